package io.happypath.identity.service;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.happypath.identity.repository.GraphStore;
import io.happypath.identity.repository.OutboxMessage;
import io.smallrye.mutiny.Uni;

/** The outbox's bookkeeping: rows are deleted once Kafka acknowledged them; old rows are swept up and resent. */
@ApplicationScoped
public class OutboxService {

    private final GraphStore store;
    /** Outbox rows this process is publishing right now. */
    private final Set<Long> publishing = ConcurrentHashMap.newKeySet();

    public OutboxService(GraphStore store) {
        this.store = store;
    }

    /** The messages are being published (until {@link #released}): a redelivered event must not publish them again. */
    public void publishing(List<OutboxMessage> messages) {
        messages.stream().map(OutboxMessage::id).filter(Objects::nonNull).forEach(publishing::add);
    }

    /** The publish of these messages ended, delivered or not. */
    public void released(List<OutboxMessage> messages) {
        messages.stream().map(OutboxMessage::id).filter(Objects::nonNull).forEach(publishing::remove);
    }

    /** Whether this process is publishing the message right now. */
    public boolean isPublishing(OutboxMessage message) {
        return message.id() != null && publishing.contains(message.id());
    }

    /** Forgets messages Kafka acknowledged, in one statement. */
    public Uni<Void> delivered(List<OutboxMessage> messages) {
        return store.deleteOutbox(messages.stream().map(OutboxMessage::id).filter(Objects::nonNull).toList());
    }

    /** Messages left behind by a failed publish or a crash, oldest first. */
    public Uni<List<OutboxMessage>> stale(Duration age, int max) {
        return store.staleOutbox(Instant.now().minus(age), max);
    }
}
