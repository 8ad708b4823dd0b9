package io.happypath.journey.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.happypath.contracts.CloudEventTypes;
import io.happypath.contracts.CloudEvents;
import io.happypath.contracts.Topics;
import io.happypath.contracts.identity.ProfileErased;
import io.happypath.contracts.identity.ProfileMerged;
import io.happypath.contracts.segment.SegmentMessage;
import io.happypath.journey.domain.IncomingEvent;
import io.happypath.journey.service.StateService;
import io.happypath.platform.messaging.ConsumedEvents;
import io.smallrye.mutiny.Uni;

/**
 * The Kafka topics this service consumes. Each message is acknowledged only after its state change is stored and
 * what it caused is published; a message that cannot be read goes to the topic's dead-letter twin, and a transient
 * failure (Redis, the broker) is retried with backoff before that.
 */
@ApplicationScoped
public class Inputs {

    private static final Logger LOG = Logger.getLogger(Inputs.class);

    private final ConsumedEvents consumed;
    private final StateService state;
    private final ObjectMapper mapper;

    public Inputs(ConsumedEvents consumed, StateService state, ObjectMapper mapper) {
        this.consumed = consumed;
        this.state = state;
        this.mapper = mapper;
    }

    /** Thrown for a message that will never be processable; it goes straight to the dead-letter topic. */
    static final class UnreadableMessage extends RuntimeException {

        UnreadableMessage(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @Incoming("events")
    public CompletionStage<Void> events(Message<String> message) {
        consumed.record(Topics.EVENTS, message);
        return handle(message, () -> state.applyEvent(toEvent(message)));
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
