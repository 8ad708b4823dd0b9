package io.happypath.identity.service;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.happypath.identity.repository.OutboxEntity;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** The outbox's bookkeeping: rows are deleted once Kafka acknowledged them; old rows are swept up and resent. */
@ApplicationScoped
public class OutboxService {

    /** Forgets messages Kafka acknowledged. */
    public Uni<Void> delivered(List<OutboxEntity> messages) {
        if (messages.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Long> ids = messages.stream().map(m -> m.id).toList();
        return Panache.withTransaction(() -> OutboxEntity.delete("id in ?1", ids)).replaceWithVoid();
    }

    /** Messages left behind by a failed publish or a crash, oldest first. */
    public Uni<List<OutboxEntity>> stale(Duration age, int max) {
        return Panache.withSession(() -> OutboxEntity.<OutboxEntity>find("createdAt < ?1 order by id",
                Instant.now().minus(age)).page(0, max).list());
    }
}
