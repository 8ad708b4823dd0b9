package io.happypath.identity.service;

import java.util.List;

import io.happypath.contracts.identity.Identifier;
import io.happypath.identity.repository.OutboxEntity;

/**
 * What a committed identity change must still do: publish its outbox messages (in order), then drop the cache
 * entries of identifiers that moved or vanished.
 */
public record Outgoing(String profileId, List<OutboxEntity> messages, List<Identifier> invalidate) {

    public Outgoing {
        messages = List.copyOf(messages);
        invalidate = List.copyOf(invalidate);
    }
}
