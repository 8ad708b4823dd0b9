package io.happypath.journey.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.happypath.contracts.CloudEvents;
import io.smallrye.mutiny.Uni;

/**
 * Publishes on {@code hp.journey.v1}. The returned Uni completes only when the broker acknowledged every message
 * (acks=all), so callers acknowledge their input after, never before: nothing is lost between the state change and
 * the publication. Messages are handed to the producer in order, so a profile's events keep their order.
 */
@ApplicationScoped
public class JourneyPublisher {

    static final java.net.URI SOURCE = CloudEvents.serviceSource("journey-state-service");

    private final Emitter<String> emitter;

    public JourneyPublisher(
            @Channel("journey-out") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192) Emitter<String> emitter) {
        this.emitter = emitter;
    }

    /** One CloudEvent to publish: key = profile id, data = JSON. */
    public record Outgoing(String id, String type, String profileId, String json) {
    }

    public Uni<Void> publish(List<Outgoing> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<CompletableFuture<Void>> acks = new ArrayList<>(events.size());
        for (Outgoing e : events) {
            CompletableFuture<Void> ack = new CompletableFuture<>();
            Message<String> m = CloudEvents.message(e.profileId(), e.id(), e.type(), SOURCE, e.json())
                    .withAck(() -> {
                        ack.complete(null);
                        return CompletableFuture.completedFuture(null);
                    })
                    .withNack(t -> {
                        ack.completeExceptionally(t);
                        return CompletableFuture.completedFuture(null);
                    });
            acks.add(ack);
            emitter.send(m);
        }
        return Uni.createFrom().completionStage(CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)));
    }
}
