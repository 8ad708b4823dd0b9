package io.happypath.identity.repository;

import java.time.Instant;
import java.util.UUID;

/**
 * A message of the transactional outbox: written in the transaction of the change it reports, published after the
 * commit, deleted once Kafka acknowledged it.
 *
 * @param id the outbox row; null until written
 * @param eventId the raw event that caused it; null for REST operations (erasure, undo)
 * @param profileId the profile it is about
 * @param topic {@code hp.events.v1} or {@code hp.identity.v1}
 * @param key the Kafka key (a profileId)
 * @param ceId the CloudEvent id, stable across republishing so that consumers drop copies
 */
public record OutboxMessage(Long id, String eventId, UUID profileId, String topic, String key, String ceId, String ceType,
        String data, Instant createdAt) {

    public OutboxMessage withId(Long newId) {
        return new OutboxMessage(newId, eventId, profileId, topic, key, ceId, ceType, data, createdAt);
    }
}
