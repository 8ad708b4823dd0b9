package io.happypath.identity.service;

import java.util.ArrayList;
import java.util.List;

import io.happypath.contracts.identity.Identifier;
import io.happypath.identity.repository.OutboxMessage;

/**
 * What a committed identity change must still do: publish its outbox messages (in order), then drop the cache
 * entries of identifiers that moved or vanished.
 *
 * @param profileId the profile concerned; null for a mix (a batch, the sweeper)
 */
public record Outgoing(String profileId, List<OutboxMessage> messages, List<Identifier> invalidate) {

    /** Nothing to do. */
    public static final Outgoing NONE = new Outgoing(null, List.of(), List.of());

    public Outgoing {
        messages = List.copyOf(messages);
        invalidate = List.copyOf(invalidate);
    }

    /** The parts one after the other, e.g. every event of a batch in batch order. */
    public static Outgoing concat(List<Outgoing> parts) {
        List<OutboxMessage> messages = new ArrayList<>();
        List<Identifier> invalidate = new ArrayList<>();
        for (Outgoing part : parts) {
            messages.addAll(part.messages());
            invalidate.addAll(part.invalidate());
        }
        return new Outgoing(null, messages, invalidate);
    }
}
