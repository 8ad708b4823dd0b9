package io.happypath.journey.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedDeque;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.happypath.contracts.CloudEventTypes;
import io.happypath.contracts.CloudEvents;
import io.happypath.contracts.Topics;
import io.happypath.contracts.identity.MergeUndone;
import io.happypath.contracts.identity.ProfileErased;
import io.happypath.contracts.identity.ProfileMerged;
import io.happypath.contracts.segment.SegmentMessage;
import io.happypath.journey.config.JourneyConfig;
import io.happypath.journey.domain.IncomingEvent;
import io.happypath.journey.domain.Redeliveries;
import io.happypath.journey.service.StateService;
import io.happypath.platform.messaging.ConsumedEvents;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * The Kafka topics this service consumes.
 *
 * <p>
 * {@code hp.events.v1} arrives in batches (one Kafka poll): the batch's states are read and written in one pipelined
 * round trip each ({@link StateService#applyEvents}). Its publication then runs while the next batch is applied (at
 * most {@code publish-in-flight} batches wait for the broker), and the batch is acknowledged only once everything it
 * produced is acknowledged by the broker (acks=all): nothing is lost, and a redelivery after a crash is recognised and
 * republishes what was not confirmed. A record that cannot be read, or that the state machine fails on, goes to
 * {@code hp.events.v1.dlq} with the usual dead-letter headers; a transient failure (Redis, the broker) is retried with
 * backoff, and after that the whole batch goes to the dead-letter topic.
 *
 * <p>
 * {@code hp.identity.v1} (merges, undone merges, erasures) is processed one message at a time.
 */
@ApplicationScoped
public class Inputs {

    private static final Logger LOG = Logger.getLogger(Inputs.class);

    private final ConsumedEvents consumed;
    private final StateService state;
    private final ObjectMapper mapper;
    private final Emitter<String> deadLetters;
    private final int maxInFlight;
    /** Publications of stored batches not yet acknowledged by the broker, oldest first. */
    private final Deque<CompletableFuture<Void>> inFlight = new ConcurrentLinkedDeque<>();

    public Inputs(ConsumedEvents consumed, StateService state, ObjectMapper mapper, JourneyConfig config,
            @Channel("events-dlq") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096) Emitter<String> deadLetters) {
        this.consumed = consumed;
        this.state = state;
        this.mapper = mapper;
        this.deadLetters = deadLetters;
        this.maxInFlight = Math.max(1, config.publishInFlight());
    }

    /** Thrown for a message that will never be processable; it goes straight to the dead-letter topic. */
    static final class UnreadableMessage extends RuntimeException {

        UnreadableMessage(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @Incoming("events")
    public CompletionStage<Void> events(KafkaRecordBatch<String, String> batch) {
        long received = System.nanoTime();
        List<StateService.EventInput> inputs = new ArrayList<>(batch.getRecords().size());
        Map<StateService.EventInput, KafkaRecord<String, String>> records = new IdentityHashMap<>();
        List<DeadLetter> dead = new ArrayList<>();
        for (KafkaRecord<String, String> record : batch.getRecords()) {
            consumed.record(Topics.EVENTS, record);
            try {
                StateService.EventInput in = new StateService.EventInput(toEvent(record), position(record));
                inputs.add(in);
                records.put(in, record);
            } catch (UnreadableMessage e) {
                dead.add(new DeadLetter(record, e));
            }
        }
        return Uni.createFrom().deferred(() -> state.applyEvents(inputs, received))
                .onFailure().retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(5)).atMost(8)
                .onItemOrFailure().transformToUni((applied, failure) -> {
                    if (failure != null) {
                        LOG.warnf("A batch of %d events goes to the dead-letter topic: %s", batch.getRecords().size(),
                                failure.getMessage());
                        return Uni.createFrom().completionStage(batch.nack(failure));
                    }
                    applied.rejected().forEach(r -> dead.add(new DeadLetter(records.get(r.input()), r.failure())));
                    CompletableFuture<Void> publication = Uni.createFrom().deferred(() -> state.publish(applied))
                            .onFailure().retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(5)).atMost(8)
                            .chain(() -> sendDeadLetters(dead))
                            .onItemOrFailure().transformToUni((ok, publishFailure) -> {
                                if (publishFailure == null) {
                                    return Uni.createFrom().completionStage(batch.ack());
                                }
                                LOG.warnf("Publishing what a batch of %d events produced failed; it goes to the "
                                        + "dead-letter topic: %s", batch.getRecords().size(), publishFailure.getMessage());
                                return Uni.createFrom().completionStage(batch.nack(publishFailure));
                            }).subscribeAsCompletionStage();
                    return Uni.createFrom().completionStage(admit(publication));
                }).subscribeAsCompletionStage();
    }

    /**
     * Registers a publication and completes once fewer than {@code publish-in-flight} are pending, so that applying
     * the next batch overlaps with the broker's acknowledgements without piling up unbounded work.
     */
    private CompletionStage<Void> admit(CompletableFuture<Void> publication) {
        inFlight.addLast(publication);
        inFlight.removeIf(CompletableFuture::isDone);
        if (inFlight.size() < maxInFlight) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> oldest = inFlight.peekFirst();
        return oldest == null
                ? CompletableFuture.completedFuture(null)
                : oldest.handle((ok, failure) -> (Void) null);
    }

    @Incoming("identity-events")
    public CompletionStage<Void> identityEvents(Message<String> message) {
        consumed.record(Topics.IDENTITY, message);
        String type = CloudEvents.type(message).orElse("");
        return handle(message, () -> {
            String id = cloudEventId(message);
            if (CloudEventTypes.PROFILE_MERGED.equals(type)) {
                ProfileMerged merged = read(message.getPayload(), ProfileMerged.class);
                return state.merge(merged.profileId(), merged.mergedProfileIds(), id);
            }
            if (CloudEventTypes.MERGE_UNDONE.equals(type)) {
                MergeUndone undone = read(message.getPayload(), MergeUndone.class);
                return state.undoMerge(undone.profileId(), undone.restoredProfileIds(), id);
            }
            if (CloudEventTypes.PROFILE_ERASED.equals(type)) {
                ProfileErased erased = read(message.getPayload(), ProfileErased.class);
                return state.erase(erased.profileId(), id);
            }
            return Uni.createFrom().voidItem(); // profile.created, identifiers.linked: nothing to keep here
        });
    }

    private CompletionStage<Void> handle(Message<String> message, java.util.function.Supplier<Uni<Void>> work) {
        return Uni.createFrom().<Void>deferred(work::get)
                .onFailure(t -> !(t instanceof UnreadableMessage))
                .retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(5)).atMost(8)
                .onItemOrFailure().transformToUni((ok, failure) -> {
                    if (failure == null) {
                        return Uni.createFrom().completionStage(message.ack());
                    }
                    LOG.warnf("Message %s goes to the dead-letter topic: %s", CloudEvents.id(message).orElse("?"),
                            failure.getMessage());
                    return Uni.createFrom().completionStage(message.nack(failure));
                }).subscribeAsCompletionStage();
    }

    /** A record of a batch that goes to the dead-letter topic, and why. */
    private record DeadLetter(KafkaRecord<String, String> record, Throwable reason) {
    }

    /**
     * Sends records to {@code hp.events.v1.dlq} as SmallRye's dead-letter strategy does (same key, value and headers,
     * plus {@code dead-letter-*} headers), and completes when the broker acknowledged them.
     */
    private Uni<Void> sendDeadLetters(List<DeadLetter> dead) {
        if (dead.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<CompletableFuture<Void>> acks = new ArrayList<>(dead.size());
        for (DeadLetter d : dead) {
            LOG.warnf("Message %s goes to the dead-letter topic: %s", CloudEvents.id(d.record()).orElse("?"),
                    d.reason().getMessage());
            RecordHeaders headers = new RecordHeaders();
            for (Header h : d.record().getHeaders()) {
                headers.add(h);
            }
            String reason = d.reason().getMessage() == null ? d.reason().getClass().getName() : d.reason().getMessage();
            headers.add(new RecordHeader("dead-letter-reason", reason.getBytes(StandardCharsets.UTF_8)));
            if (d.reason().getCause() != null && d.reason().getCause().getMessage() != null) {
                headers.add(new RecordHeader("dead-letter-cause",
                        d.reason().getCause().getMessage().getBytes(StandardCharsets.UTF_8)));
            }
            headers.add(new RecordHeader("dead-letter-topic", d.record().getTopic().getBytes(StandardCharsets.UTF_8)));
            headers.add(new RecordHeader("dead-letter-partition",
                    Integer.toString(d.record().getPartition()).getBytes(StandardCharsets.UTF_8)));
            d.record().getMetadata(IncomingKafkaRecordMetadata.class).ifPresent(m -> headers.add(new RecordHeader(
                    "dead-letter-offset", Long.toString(m.getOffset()).getBytes(StandardCharsets.UTF_8))));
            CompletableFuture<Void> ack = new CompletableFuture<>();
            OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                    .withKey(d.record().getKey()).withHeaders(headers).build();
            deadLetters.send(Message.of(d.record().getPayload(), Metadata.of(metadata)).withAck(() -> {
                ack.complete(null);
                return CompletableFuture.completedFuture(null);
            }).withNack(t -> {
                ack.completeExceptionally(t);
                return CompletableFuture.completedFuture(null);
            }));
            acks.add(ack);
        }
        return Uni.createFrom().completionStage(CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)));
    }

    private static Redeliveries.Position position(KafkaRecord<String, String> record) {
        return record.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(m -> new Redeliveries.Position(m.getTopic(), m.getPartition(), m.getOffset(),
                        m.getTimestamp() == null ? -1 : m.getTimestamp().toEpochMilli()))
                .orElse(null);
    }

    IncomingEvent toEvent(Message<String> message) {
        SegmentMessage m = read(message.getPayload(), SegmentMessage.class);
        if (m.profileId() == null || m.profileId().isBlank()) {
            throw new UnreadableMessage("the event has no profileId", null);
        }
        String name = SegmentMessage.TRACK.equals(m.type()) ? m.event() : m.name();
        Instant at = m.timestamp() != null ? m.timestamp() : m.receivedAt() != null ? m.receivedAt() : Instant.now();
        Map<String, Object> traits = new LinkedHashMap<>();
        if (m.context() != null && m.context().get("traits") instanceof Map<?, ?> ct) {
            ct.forEach((k, v) -> traits.put(String.valueOf(k), v));
        }
        if (m.traits() != null) {
            traits.putAll(m.traits());
        }
        return new IncomingEvent(cloudEventId(message), m.profileId(), m.type(), name, m.channel(), at, m.properties(),
                traits, m.messageId());
    }

    private static String cloudEventId(Message<String> message) {
        return CloudEvents.id(message).filter(id -> !id.isBlank())
                .orElseThrow(() -> new UnreadableMessage("the message is not a CloudEvent (no ce_id)", null));
    }

    private <T> T read(String payload, Class<T> type) {
        if (payload == null) {
            throw new UnreadableMessage("the message has no data", null);
        }
        try {
            return mapper.readValue(payload, type);
        } catch (JsonProcessingException | IllegalArgumentException | NullPointerException e) {
            throw new UnreadableMessage("the data is not a valid " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
