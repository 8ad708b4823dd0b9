package io.happypath.decision.messaging;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.happypath.contracts.CloudEventTypes;
import io.happypath.contracts.CloudEvents;
import io.happypath.contracts.Topics;
import io.happypath.contracts.decision.DecisionOutcome;
import io.happypath.contracts.identity.ProfileErased;
import io.happypath.contracts.identity.ProfileMerged;
import io.happypath.contracts.journey.JourneyStalled;
import io.happypath.contracts.segment.SegmentMessage;
import io.happypath.decision.cache.DecisionRecords;
import io.happypath.decision.service.OutcomeService;
import io.happypath.decision.service.ProfileDataService;
import io.happypath.decision.service.PushService;
import io.happypath.platform.messaging.ConsumedEvents;
import io.smallrye.mutiny.Uni;

/**
 * The Kafka topics this service consumes: journey stalls drive push mode; track events that carry a
 * {@code decisionId} are outcomes; its own outcome events teach the adaptive models; erasures and merges of profiles
 * reach the contact history. A message that cannot be processed is nacked and goes to the topic's dead-letter twin.
 */
@ApplicationScoped
public class Inputs {

    private final ConsumedEvents consumed;
    private final PushService push;
    private final OutcomeService outcomes;
    private final ProfileDataService profiles;
    private final DecisionRecords records;
    private final ObjectMapper json;

    public Inputs(ConsumedEvents consumed, PushService push, OutcomeService outcomes, ProfileDataService profiles,
            DecisionRecords records, ObjectMapper json) {
        this.consumed = consumed;
        this.push = push;
        this.outcomes = outcomes;
        this.profiles = profiles;
        this.records = records;
        this.json = json;
    }

    @Incoming("journey-events")
    public Uni<Void> journeyEvents(Message<String> message) {
        consumed.record(Topics.JOURNEY, message);
        if (!CloudEvents.type(message).filter(CloudEventTypes.JOURNEY_STALLED::equals).isPresent()) {
            return Uni.createFrom().completionStage(message.ack());
        }
        String id = CloudEvents.id(message).orElseGet(() -> UUID.randomUUID().toString());
        return Uni.createFrom().item(() -> parse(message.getPayload(), JourneyStalled.class))
                .chain(stalled -> push.onStalled(id, stalled))
                .onItemOrFailure().transformToUni((n, failure) -> failure == null
                        ? Uni.createFrom().completionStage(message.ack())
                        : Uni.createFrom().completionStage(message.nack(failure)));
    }

    @Incoming("decision-feedback")
    public Uni<Void> decisionFeedback(Message<String> message) {
        consumed.record(Topics.DECISIONS, message);
        if (!CloudEvents.type(message).filter(CloudEventTypes.DECISION_OUTCOME::equals).isPresent()) {
            return Uni.createFrom().completionStage(message.ack());
        }
        String once = "outcome:" + CloudEvents.id(message).orElseGet(() -> UUID.randomUUID().toString());
        return Uni.createFrom().item(() -> parse(message.getPayload(), DecisionOutcome.class))
                .chain(o -> records.markOnce(once).chain(first -> first
                        ? outcomes.learn(o).onFailure().call(() -> records.unmark(once))
                        : Uni.createFrom().voidItem()))
                .onItemOrFailure().transformToUni((n, failure) -> failure == null
                        ? Uni.createFrom().completionStage(message.ack())
                        : Uni.createFrom().completionStage(message.nack(failure)));
    }

    /** Track events attributed to a decision ({@code properties.decisionId}) are its outcomes. */
    @Incoming("events")
    public Uni<Void> events(Message<String> message) {
        consumed.record(Topics.EVENTS, message);
        // Every stitched event passes by: only parse the few that can be outcomes.
        String payload = message.getPayload();
        if (!CloudEvents.type(message).filter(CloudEventTypes.TRACK::equals).isPresent() || payload == null
                || !payload.contains("\"decisionId\"")) {
            return Uni.createFrom().completionStage(message.ack());
        }
        String id = CloudEvents.id(message).orElseGet(() -> UUID.randomUUID().toString());
        return Uni.createFrom().item(() -> parse(payload, SegmentMessage.class))
                .chain(event -> outcomes.fromEvent(id, event))
                .onItemOrFailure().transformToUni((n, failure) -> failure == null
                        ? Uni.createFrom().completionStage(message.ack())
                        : Uni.createFrom().completionStage(message.nack(failure)));
    }

    @Incoming("identity-events")
    public Uni<Void> identityEvents(Message<String> message) {
        consumed.record(Topics.IDENTITY, message);
        String type = CloudEvents.type(message).orElse("");
        Uni<Void> handled;
        if (CloudEventTypes.PROFILE_ERASED.equals(type)) {
            handled = Uni.createFrom().item(() -> parse(message.getPayload(), ProfileErased.class))
                    .chain(profiles::erase);
        } else if (CloudEventTypes.PROFILE_MERGED.equals(type)) {
            handled = Uni.createFrom().item(() -> parse(message.getPayload(), ProfileMerged.class))
                    .chain(profiles::merge);
        } else {
            handled = Uni.createFrom().voidItem();
        }
        return handled.onItemOrFailure().transformToUni((n, failure) -> failure == null
                ? Uni.createFrom().completionStage(message.ack())
                : Uni.createFrom().completionStage(message.nack(failure)));
    }

    private <T> T parse(String payload, Class<T> type) {
        try {
            return json.readValue(payload, type);
        } catch (Exception e) {
            throw new IllegalArgumentException("unreadable " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
