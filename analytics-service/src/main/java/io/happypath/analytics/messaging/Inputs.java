package io.happypath.analytics.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

import io.happypath.analytics.service.IngestService;
import io.happypath.analytics.service.IngestService.Incoming;
import io.happypath.contracts.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Consumes the four input topics in batches (one database round trip per batch and kind of fact). A record that
 * cannot be read goes to its topic's dead-letter twin with the reason in {@value #REASON_HEADER}; the rest of its
 * batch is written. A batch is acknowledged only after its facts are committed, so delivery is at-least-once and
 * the writes, idempotent by CloudEvent id, make it exactly-once in effect. Database failures are retried with
 * back-off; a batch that still fails is nacked (dead-letter strategy of the channel).
 */
@ApplicationScoped
public class Inputs {

    /** The header that says why a record was dead-lettered (SmallRye's own name for it). */
    public static final String REASON_HEADER = "dead-letter-reason";

    private static final Logger LOG = Logger.getLogger(Inputs.class);
    private static final String CONSUMED = "happypath.analytics.events.consumed";
    private static final String HAPPYPATH_TYPE_PREFIX = "io.happypath.";

    private final IngestService ingest;
    private final MeterRegistry registry;
    private final MutinyEmitter<String> deadLetters;

    public Inputs(IngestService ingest, MeterRegistry registry, @Channel("dead-letters") MutinyEmitter<String> deadLetters) {
        this.ingest = ingest;
        this.registry = registry;
        this.deadLetters = deadLetters;
    }

    @org.eclipse.microprofile.reactive.messaging.Incoming("events")
    public Uni<Void> events(KafkaRecordBatch<String, String> batch) {
        return process(Topics.EVENTS, batch, ingest::events);
    }

    @org.eclipse.microprofile.reactive.messaging.Incoming("identity-events")
    public Uni<Void> identityEvents(KafkaRecordBatch<String, String> batch) {
        return process(Topics.IDENTITY, batch, ingest::identityEvents);
    }

    @org.eclipse.microprofile.reactive.messaging.Incoming("journey-events")
    public Uni<Void> journeyEvents(KafkaRecordBatch<String, String> batch) {
        return process(Topics.JOURNEY, batch, ingest::journeyEvents);
    }

    @org.eclipse.microprofile.reactive.messaging.Incoming("decisions")
    public Uni<Void> decisions(KafkaRecordBatch<String, String> batch) {
        return process(Topics.DECISIONS, batch, ingest::decisions);
    }

    private Uni<Void> process(String topic, KafkaRecordBatch<String, String> batch,
            Function<List<Incoming>, Uni<IngestService.Outcome>> handler) {
        List<Incoming> records = new ArrayList<>();
        List<KafkaRecord<String, String>> sources = new ArrayList<>();
        List<Incoming> valid = new ArrayList<>();
        List<IngestService.Reject> missingId = new ArrayList<>();
        for (KafkaRecord<String, String> r : batch.getRecords()) {
            Headers h = r.getHeaders();
            String type = header(h, "ce_type");
            registry.counter(CONSUMED, "topic", topic, "type",
                    type != null && type.startsWith(HAPPYPATH_TYPE_PREFIX) ? type : "other").increment();
            String id = header(h, "ce_id");
            Incoming in = new Incoming(id, type, r.getPayload());
            records.add(in);
            sources.add(r);
            if (id == null || id.isBlank()) {
                // Not a CloudEvent: without an id it cannot be deduplicated, so it is no fact.
                missingId.add(new IngestService.Reject(in, "ce_id header is required (CloudEvents binary mode)"));
            } else {
                valid.add(in);
            }
        }
        // Reading a batch (JSON, timestamps) is CPU work of seconds for thousands of records on a busy machine: it runs
        // on a worker thread, never on the event loop that also serves HTTP.
        return Uni.createFrom().deferred(() -> handler.apply(valid))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).atMost(8)
                .chain(outcome -> {
                    List<IngestService.Reject> rejects = new ArrayList<>(missingId);
                    rejects.addAll(outcome.rejects());
                    return deadLetter(topic, records, sources, rejects);
                })
                .onItemOrFailure().transformToUni((v, failure) -> {
                    if (failure != null) {
                        LOG.errorf(failure, "Could not store a batch of %d records from %s", records.size(), topic);
                        return Uni.createFrom().completionStage(batch.nack(failure));
                    }
                    return Uni.createFrom().completionStage(batch.ack());
                });
    }

    private Uni<Void> deadLetter(String topic, List<Incoming> records, List<KafkaRecord<String, String>> sources,
            List<IngestService.Reject> rejects) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (IngestService.Reject reject : rejects) {
            KafkaRecord<String, String> source = sources.get(indexOf(records, reject.record()));
            LOG.warnf("Dead-lettering record %s of %s: %s", reject.record().id(), topic, reject.reason());
            Headers headers = new RecordHeaders();
            for (Header h : source.getHeaders()) {
                headers.add(h);
            }
            headers.add(REASON_HEADER, reject.reason().getBytes(StandardCharsets.UTF_8));
            OutgoingKafkaRecordMetadata<String> meta = OutgoingKafkaRecordMetadata.<String>builder()
                    .withTopic(Topics.dlq(topic)).withKey(source.getKey()).withHeaders(headers).build();
            Message<String> message = Message.of(source.getPayload(), Metadata.of(meta));
            chain = chain.chain(() -> deadLetters.sendMessage(message));
        }
        return chain;
    }

    private static int indexOf(List<Incoming> records, Incoming record) {
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i) == record) {
                return i;
            }
        }
        throw new IllegalStateException("reject of a record not in the batch");
    }

    private static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
