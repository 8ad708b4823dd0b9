package io.happypath.identity.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.happypath.contracts.CloudEvents;
import io.happypath.contracts.Topics;
import io.happypath.identity.service.IdentityMetrics;
import io.happypath.identity.service.Outgoing;
import io.happypath.identity.service.ResolutionService;
import io.happypath.identity.service.ResolutionService.RawEvent;
import io.happypath.identity.service.ResolutionService.Rejected;
import io.happypath.platform.messaging.ConsumedEvents;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;

/**
 * Consumes {@code hp.events.raw.v1} a poll at a time ({@code batch=true}): resolves the whole batch in one
 * transaction, sends the events that cannot be processed to the dead-letter topic with their reason, publishes the
 * stitched events and the identity events after the commit, and only then acknowledges the batch. A crash anywhere
 * redelivers the batch; CloudEvent ids make the redelivery change nothing but publish, in its place in the stream,
 * what was committed and not yet published.
 * <p>
 * Publishing a batch overlaps with resolving the next one (Kafka and PostgreSQL work in parallel); at most one batch
 * is being published, and batches are published in poll order, so the events of a profile stay in order. Should the
 * publish fail after the commit, the batch is acknowledged all the same: its messages are committed in the outbox
 * and the {@link OutboxSweeper} publishes them (at least once, possibly after later events).
 */
@ApplicationScoped
public class Inputs {

    private static final Logger LOG = Logger.getLogger(Inputs.class);

    private final ConsumedEvents consumed;
    private final ResolutionService resolution;
    private final Publisher publisher;
    private final IdentityMetrics metrics;

    public Inputs(ConsumedEvents consumed, ResolutionService resolution,
            Publisher publisher, IdentityMetrics metrics) {
        this.consumed = consumed;
        this.resolution = resolution;
        this.publisher = publisher;
        this.metrics = metrics;
    }

    /**
     * The previous batch's publish and acknowledgement. It runs while the next batch is resolved (the two use
     * different resources: Kafka and the database); at most one is in flight.
     */
    private volatile CompletableFuture<Void> previous = CompletableFuture.completedFuture(null);

    @Incoming("raw-events")
    public Uni<Void> rawEvents(KafkaRecordBatch<String, String> batch) {
        List<KafkaRecord<String, String>> records = batch.getRecords();
        List<RawEvent> events = new ArrayList<>(records.size());
        for (KafkaRecord<String, String> r : records) {
            consumed.record(Topics.RAW_EVENTS, r);
            events.add(new RawEvent(CloudEvents.id(r).orElse(null), CloudEvents.type(r).orElse(null), r.getPayload()));
        }
        long started = System.nanoTime();
        return resolution.resolveBatch(events)
                .call(result -> Multi.createFrom().range(0, records.size())
                        .filter(i -> result.outcomes().get(i) instanceof Rejected)
                        .onItem().transformToUniAndConcatenate(i -> deadLetter(records.get(i),
                                (Rejected) result.outcomes().get(i)))
                        .collect().last())
                .map(result -> {
                    long resolved = System.nanoTime();
                    CompletableFuture<Void> before = previous;
                    Uni<Void> publish = publish(result.outgoing()); // counts as being published from now on
                    // A plain future completed by the subscription: once done it references neither this batch nor
                    // the one before (a Uni chained on the previous batch's Uni kept every batch since the start).
                    CompletableFuture<Void> published = new CompletableFuture<>();
                    // After the previous batch's publish, so that the producer receives the messages in poll order.
                    Uni.createFrom().completionStage(before).chain(() -> publish)
                            .chain(() -> acknowledge(batch))
                            .invoke(() -> LOG.debugf("Batch of %d raw events: resolved in %d ms, published in %d ms",
                                    records.size(), (resolved - started) / 1_000_000,
                                    (System.nanoTime() - resolved) / 1_000_000))
                            .subscribe().with(x -> published.complete(null), published::completeExceptionally);
                    previous = published;
                    return before;
                })
                // Back-pressure: the next poll waits until the previous batch is published.
                .chain(before -> Uni.createFrom().completionStage(before))
                .onFailure().recoverWithUni(e -> {
                    // Not expected (resolveBatch rejects instead of failing); the batch goes to the dead-letter topic.
                    LOG.errorf(e, "Could not process a batch of %d raw events", records.size());
                    metrics.deadLettered("error");
                    return Uni.createFrom().completionStage(batch.nack(e));
                });
    }

    private Uni<Void> publish(Outgoing outgoing) {
        return publisher.publish(outgoing).onFailure().recoverWithUni(e -> {
            LOG.warnf("Publishing %d committed messages failed, the outbox sweeper retries them: %s",
                    outgoing.messages().size(), e.getMessage());
            return Uni.createFrom().voidItem();
        });
    }

    private static Uni<Void> acknowledge(KafkaRecordBatch<String, String> batch) {
        return Uni.createFrom().completionStage(batch.ack()).onFailure().recoverWithUni(e -> {
            // The offsets stay uncommitted: the batch comes again and is recognised as resolved.
            LOG.warnf("Acknowledging a batch of %d raw events failed: %s", batch.getRecords().size(), e.getMessage());
            return Uni.createFrom().voidItem();
        });
    }

    /** The record goes to {@code hp.events.raw.v1.dlq} with the reason in its {@code dead-letter-reason} header. */
    private Uni<Void> deadLetter(KafkaRecord<String, String> record, Rejected rejected) {
        metrics.deadLettered(rejected.category());
        return Uni.createFrom().completionStage(record.nack(new RejectedEventException(rejected.reason())));
    }

    /** A raw event that cannot be processed; its message becomes the dead-letter reason. */
    static final class RejectedEventException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        RejectedEventException(String reason) {
            super(reason, null, false, false);
        }
    }
}
