package io.happypath.identity.messaging;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;

import io.happypath.contracts.CloudEvents;
import io.happypath.contracts.Topics;
import io.happypath.identity.cache.IdentityCache;
import io.happypath.identity.repository.OutboxEntity;
import io.happypath.identity.service.OutboxService;
import io.happypath.identity.service.Outgoing;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Publishes committed outbox messages in order, waiting for Kafka's acknowledgement of each, then deletes them
 * from the outbox and drops the cache entries of identifiers that moved. A failure leaves the rows in the outbox
 * for the {@link OutboxSweeper}.
 */
@ApplicationScoped
public class Publisher {

    private final MutinyEmitter<String> events;
    private final MutinyEmitter<String> identity;
    private final OutboxService outbox;
    private final IdentityCache cache;

    public Publisher(@Channel("events-out") MutinyEmitter<String> events,
            @Channel("identity-out") MutinyEmitter<String> identity, OutboxService outbox, IdentityCache cache) {
        this.events = events;
        this.identity = identity;
        this.outbox = outbox;
        this.cache = cache;
    }

    /** Invalidates, publishes, then forgets; completes once every message is acknowledged by Kafka. */
    public Uni<Void> publish(Outgoing outgoing) {
        // Invalidate first: a reader must not keep a moved identifier's old profile while the news travels.
        return cache.invalidate(outgoing.invalidate()).chain(() -> send(outgoing.messages()));
    }

    Uni<Void> send(List<OutboxEntity> messages) {
        if (messages.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Multi.createFrom().iterable(messages)
                .onItem().transformToUniAndConcatenate(this::send1)
                .collect().last()
                .chain(() -> outbox.delivered(messages));
    }

    private Uni<Void> send1(OutboxEntity m) {
        MutinyEmitter<String> emitter = Topics.EVENTS.equals(m.topic) ? events : identity;
        return emitter.sendMessage(CloudEvents.message(m.key, m.ceId, m.ceType,
                CloudEvents.serviceSource("identity-service"), m.data));
    }
}
