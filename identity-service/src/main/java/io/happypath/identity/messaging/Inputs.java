package io.happypath.identity.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.happypath.contracts.CloudEvents;
import io.happypath.contracts.Topics;
import io.happypath.identity.service.IdentityMetrics;
import io.happypath.identity.service.ResolutionService;
import io.happypath.platform.messaging.ConsumedEvents;
import io.smallrye.mutiny.Uni;

/**
 * Consumes {@code hp.events.raw.v1}: resolves each event (one transaction), publishes the stitched event and the
 * identity events only after the commit, and acknowledges the raw event only after Kafka took every output. A
 * crash anywhere redelivers the event; its CloudEvent id makes the redelivery publish what is still pending and
 * change nothing else.
 */
@ApplicationScoped
public class Inputs {

    private static final Logger LOG = Logger.getLogger(Inputs.class);

    private final ConsumedEvents consumed;
    private final ResolutionService resolution;
    private final Publisher publisher;
    private final IdentityMetrics metrics;

    public Inputs(ConsumedEvents consumed, ResolutionService resolution, Publisher publisher, IdentityMetrics metrics) {
        this.consumed = consumed;
        this.resolution = resolution;
        this.publisher = publisher;
        this.metrics = metrics;
    }

    @Incoming("raw-events")
    public Uni<Void> rawEvents(Message<String> message) {
        consumed.record(Topics.RAW_EVENTS, message);
        String id = CloudEvents.id(message).orElse(null);
        String type = CloudEvents.type(message).orElse(null);
        return resolution.resolve(id, type, message.getPayload())
                .chain(outcome -> {
                    if (outcome instanceof ResolutionService.Rejected r) {
                        metrics.deadLettered(r.category());
                        return Uni.createFrom().completionStage(message.nack(new RejectedEventException(r.reason())));
                    }
                    ResolutionService.Resolved r = (ResolutionService.Resolved) outcome;
                    return publisher.publish(r.outgoing()).chain(() -> Uni.createFrom().completionStage(message.ack()));
                })
                .onFailure().recoverWithUni(e -> {
                    // Committed changes stay in the outbox and the sweeper publishes them; the event goes to the DLQ
                    // with the reason so that it can be replayed.
                    LOG.errorf(e, "Could not process raw event %s", id);
                    metrics.deadLettered("error");
                    return Uni.createFrom().completionStage(message.nack(e));
                });
    }

    /** A raw event that cannot be processed; its message becomes the dead-letter reason. */
    static final class RejectedEventException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        RejectedEventException(String reason) {
            super(reason, null, false, false);
        }
    }
}
