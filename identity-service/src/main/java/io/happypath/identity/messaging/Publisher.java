package io.happypath.identity.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.happypath.contracts.CloudEvents;
import io.happypath.contracts.Topics;
import io.happypath.identity.cache.IdentityCache;
import io.happypath.identity.repository.OutboxMessage;
import io.happypath.identity.service.OutboxService;
import io.happypath.identity.service.Outgoing;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Publishes committed outbox messages, waits for Kafka's acknowledgement of every one, then deletes the
 * acknowledged ones from the outbox (one statement). What failed stays in the outbox for the {@link OutboxSweeper}.
 * <p>
 * The messages are handed to the Kafka producer in list order without waiting for each acknowledgement in turn; the
 * idempotent producer keeps that order per partition, so events of one profile stay in order.
 */
@ApplicationScoped
public class Publisher {

    private final MutinyEmitter<String> events;
    private final MutinyEmitter<String> identity;
    private final OutboxService outbox;
    private final IdentityCache cache;

    // A batch hands over up to a poll's worth of messages at once (max.poll.records events, each with its stitched
    // copy and a few identity events): more than the emitters' default buffer. The poll size bounds the buffer.
    public Publisher(@Channel("events-out") @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER) MutinyEmitter<String> events,
            @Channel("identity-out") @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER) MutinyEmitter<String> identity,
            OutboxService outbox, IdentityCache cache) {
        this.events = events;
        this.identity = identity;
        this.outbox = outbox;
        this.cache = cache;
    }

    /**
     * Invalidates, publishes, then forgets; completes once every message is acknowledged by Kafka. From this call on
     * (not from the subscription) the messages count as being published, so that a redelivered event does not
     * publish them a second time.
     */
    public Uni<Void> publish(Outgoing outgoing) {
        List<OutboxMessage> messages = outgoing.messages();
        outbox.publishing(messages);
        // Invalidate first: a reader must not keep a moved identifier's old profile while the news travels.
        return cache.invalidate(outgoing.invalidate()).chain(() -> send(messages))
                .eventually(() -> outbox.released(messages));
    }

    Uni<Void> send(List<OutboxMessage> messages) {
        if (messages.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Uni<Boolean>> sends = new ArrayList<>(messages.size());
        for (OutboxMessage m : messages) {
            sends.add(send1(m).replaceWith(Boolean.TRUE)
                    .onFailure().invoke(e -> failure.compareAndSet(null, e))
                    .onFailure().recoverWithItem(Boolean.FALSE));
        }
        // join().all subscribes in list order, which is the order the producer receives the messages in.
        return Uni.join().all(sends).andFailFast().chain(acked -> {
            List<OutboxMessage> delivered = new ArrayList<>();
            for (int i = 0; i < acked.size(); i++) {
                if (acked.get(i)) {
                    delivered.add(messages.get(i));
                }
            }
            Uni<Void> forget = outbox.delivered(delivered);
            Throwable e = failure.get();
            return e == null ? forget : forget.chain(() -> Uni.createFrom().failure(e));
        });
    }

    private Uni<Void> send1(OutboxMessage m) {
        MutinyEmitter<String> emitter = Topics.EVENTS.equals(m.topic()) ? events : identity;
        return emitter.sendMessage(CloudEvents.message(m.key(), m.ceId(), m.ceType(),
                CloudEvents.serviceSource("identity-service"), m.data()));
    }
}
