package io.happypath.analytics.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.happypath.analytics.domain.Facts;
import io.happypath.analytics.domain.SuppressionKind;
import io.happypath.analytics.repository.EventPartitions;
import io.happypath.analytics.repository.FactRepository;
import io.happypath.contracts.CloudEventTypes;
import io.happypath.contracts.decision.DecisionMade;
import io.happypath.contracts.decision.DecisionOutcome;
import io.happypath.contracts.identity.ProfileErased;
import io.happypath.contracts.identity.ProfileMerged;
import io.happypath.contracts.journey.JourneyCompleted;
import io.happypath.contracts.journey.JourneyExited;
import io.happypath.contracts.journey.JourneyStalled;
import io.happypath.contracts.journey.SegmentChanged;
import io.happypath.contracts.journey.StageEntered;
import io.happypath.contracts.segment.SegmentMessage;
import io.smallrye.mutiny.Uni;

/**
 * Turns consumed CloudEvents into facts and writes each batch in one go. Records that cannot be read are returned
 * as rejects (with the reason) for the dead-letter topic; the rest of the batch is still written.
 */
@ApplicationScoped
public class IngestService {

    /** A consumed CloudEvent: its id, type and JSON data. */
    public record Incoming(String id, String type, String json) {
    }

    /** A record that could not be turned into a fact, and why. */
    public record Reject(Incoming record, String reason) {
    }

    /** What a topic's batch turned into. */
    public record Outcome(int facts, List<Reject> rejects) {
    }

    private static final String JOURNEY_PREFIX = "io.happypath.journey.";
    /** The step name of page and screen views (Segment's own names for them). */
    static final String PAGE_VIEWED = "Page Viewed";
    static final String SCREEN_VIEWED = "Screen Viewed";
    static final String UNKNOWN_CHANNEL = "unknown";

    private final ObjectMapper mapper;
    private final FactRepository facts;
    private final BusinessMetrics metrics;

    public IngestService(ObjectMapper mapper, FactRepository facts, BusinessMetrics metrics) {
        this.mapper = mapper;
        this.facts = facts;
        this.metrics = metrics;
    }

    /** Stitched Segment messages from hp.events.v1: track, page and screen become path steps; other types are skipped. */
    public Uni<Outcome> events(List<Incoming> batch) {
        List<Facts.Step> steps = new ArrayList<>();
        List<Reject> rejects = new ArrayList<>();
        for (Incoming in : batch) {
            try {
                SegmentMessage m = mapper.readValue(in.json(), SegmentMessage.class);
                String type = m.type() != null ? m.type() : typeFromCloudEvent(in.type());
                String name = switch (type == null ? "" : type) {
                    case SegmentMessage.TRACK -> m.event();
                    case SegmentMessage.PAGE -> PAGE_VIEWED;
                    case SegmentMessage.SCREEN -> SCREEN_VIEWED;
                    default -> null;
                };
                if (type == null || !SegmentMessage.TYPES.contains(type)) {
                    rejects.add(new Reject(in, "unknown Segment message type '" + type + "'"));
                } else if (m.profileId() == null || m.profileId().isBlank()) {
                    rejects.add(new Reject(in, "profileId is required on hp.events.v1"));
                } else if (SegmentMessage.TRACK.equals(type) && (name == null || name.isBlank())) {
                    rejects.add(new Reject(in, "a track message needs an event name"));
                } else if (name != null) {
                    Instant ts = m.timestamp() != null ? m.timestamp() : m.receivedAt();
                    if (ts == null) {
                        rejects.add(new Reject(in, "timestamp or receivedAt is required"));
                        continue;
                    }
                    if (!EventPartitions.accepts(ts)) {
                        rejects.add(new Reject(in, "timestamp " + ts + " is outside " + EventPartitions.MIN + " .. "
                                + EventPartitions.MAX));
                        continue;
                    }
                    String channel = m.channel() == null || m.channel().isBlank() ? UNKNOWN_CHANNEL : m.channel();
                    steps.add(new Facts.Step(in.id(), m.profileId(), ts, channel, name));
                }
            } catch (JsonProcessingException | IllegalArgumentException e) {
                rejects.add(new Reject(in, reason(e)));
            }
        }
        return facts.steps(steps).map(v -> new Outcome(steps.size(), rejects));
    }

    /** Journey events and segment changes from hp.journey.v1; signal changes are not facts here. */
    public Uni<Outcome> journeyEvents(List<Incoming> batch) {
        List<Facts.JourneyFact> out = new ArrayList<>();
        List<Facts.SegmentChange> segments = new ArrayList<>();
        List<Reject> rejects = new ArrayList<>();
        for (Incoming in : batch) {
            try {
                String type = in.type() == null ? "" : in.type();
                String shortType = type.startsWith(JOURNEY_PREFIX) ? type.substring(JOURNEY_PREFIX.length()) : type;
                switch (type) {
                    case CloudEventTypes.STAGE_ENTERED -> {
                        StageEntered e = mapper.readValue(in.json(), StageEntered.class);
                        out.add(new Facts.JourneyFact(in.id(), shortType, e.profileId(), e.journeyId(), e.stage(),
                                e.channel(), e.at()));
                        metrics.transition(e.journeyId(), e.stage());
                    }
                    case CloudEventTypes.JOURNEY_COMPLETED -> {
                        JourneyCompleted e = mapper.readValue(in.json(), JourneyCompleted.class);
                        out.add(new Facts.JourneyFact(in.id(), shortType, e.profileId(), e.journeyId(), e.stage(),
                                e.channel(), e.at()));
                    }
                    case CloudEventTypes.JOURNEY_EXITED -> {
                        JourneyExited e = mapper.readValue(in.json(), JourneyExited.class);
                        out.add(new Facts.JourneyFact(in.id(), shortType, e.profileId(), e.journeyId(), e.stage(),
                                e.channel(), e.at()));
                    }
                    case CloudEventTypes.JOURNEY_STALLED -> {
                        JourneyStalled e = mapper.readValue(in.json(), JourneyStalled.class);
                        out.add(new Facts.JourneyFact(in.id(), shortType, e.profileId(), e.journeyId(), e.stage(), null,
                                e.at()));
                        metrics.stall(e.journeyId(), e.stage());
                    }
                    case CloudEventTypes.SEGMENT_CHANGED -> {
                        SegmentChanged e = mapper.readValue(in.json(), SegmentChanged.class);
                        segments.add(new Facts.SegmentChange(in.id(), e.profileId(), e.segmentId(), e.entered(), e.at()));
                    }
                    case CloudEventTypes.SIGNAL_CHANGED -> {
                        // Live state, not an analytics fact.
                    }
                    default -> rejects.add(new Reject(in, "unknown journey event type '" + type + "'"));
                }
            } catch (JsonProcessingException | IllegalArgumentException e) {
                rejects.add(new Reject(in, reason(e)));
            }
        }
        return facts.journeyFacts(out, segments).map(v -> new Outcome(out.size() + segments.size(), rejects));
    }

    /** Decisions and outcomes from hp.decisions.v1. */
    public Uni<Outcome> decisions(List<Incoming> batch) {
        List<Facts.Decision> decisions = new ArrayList<>();
        List<Facts.Outcome> outcomes = new ArrayList<>();
        List<Reject> rejects = new ArrayList<>();
        for (Incoming in : batch) {
            try {
                if (CloudEventTypes.DECISION_MADE.equals(in.type())) {
                    DecisionMade d = mapper.readValue(in.json(), DecisionMade.class);
                    List<Facts.Suppression> suppressions = d.suppressed().stream()
                            .map(s -> new Facts.Suppression(s.actionId(), s.reason(), SuppressionKind.of(s.reason())))
                            .toList();
                    decisions.add(new Facts.Decision(in.id(), d.decisionId(), d.profileId(), d.channel(),
                            d.experiment() == null ? null : d.experiment().id(),
                            d.experiment() == null ? null : d.experiment().variant(),
                            d.experiment() == null ? null : d.experiment().share(),
                            d.actions().stream().map(a -> a.actionId()).toList(), suppressions, d.at()));
                    metrics.decision(d.channel());
                    suppressions.forEach(s -> metrics.suppression(s.kind()));
                } else if (CloudEventTypes.DECISION_OUTCOME.equals(in.type())) {
                    DecisionOutcome o = mapper.readValue(in.json(), DecisionOutcome.class);
                    outcomes.add(new Facts.Outcome(in.id(), o.decisionId(), o.profileId(), o.actionId(),
                            o.outcome().wireValue(), o.at()));
                    metrics.outcome(o.outcome().wireValue());
                } else {
                    rejects.add(new Reject(in, "unknown decision event type '" + in.type() + "'"));
                }
            } catch (JsonProcessingException | IllegalArgumentException | NullPointerException e) {
                rejects.add(new Reject(in, reason(e)));
            }
        }
        return facts.decisions(decisions, outcomes).map(v -> new Outcome(decisions.size() + outcomes.size(), rejects));
    }

    /**
     * Identity events from hp.identity.v1, applied one after the other in offset order: merges re-key, erasures
     * delete. Creations and links change nothing here.
     */
    public Uni<Outcome> identityEvents(List<Incoming> batch) {
        List<Reject> rejects = new ArrayList<>();
        Uni<Integer> chain = Uni.createFrom().item(0);
        for (Incoming in : batch) {
            try {
                if (CloudEventTypes.PROFILE_MERGED.equals(in.type())) {
                    ProfileMerged m = mapper.readValue(in.json(), ProfileMerged.class);
                    Facts.Merge merge = new Facts.Merge(in.id(), m.profileId(), m.mergedProfileIds(), m.at());
                    chain = chain.chain(n -> facts.merge(merge).replaceWith(n + 1));
                } else if (CloudEventTypes.PROFILE_ERASED.equals(in.type())) {
                    ProfileErased e = mapper.readValue(in.json(), ProfileErased.class);
                    Facts.Erasure erasure = new Facts.Erasure(in.id(), e.profileId(), e.at());
                    chain = chain.chain(n -> facts.erase(erasure).replaceWith(n + 1));
                } else if (!CloudEventTypes.PROFILE_CREATED.equals(in.type())
                        && !CloudEventTypes.IDENTIFIERS_LINKED.equals(in.type())) {
                    rejects.add(new Reject(in, "unknown identity event type '" + in.type() + "'"));
                }
            } catch (JsonProcessingException | IllegalArgumentException e) {
                rejects.add(new Reject(in, reason(e)));
            }
        }
        return chain.map(n -> new Outcome(n, rejects));
    }

    private static String typeFromCloudEvent(String ceType) {
        String prefix = "io.happypath.event.";
        return ceType != null && ceType.startsWith(prefix) ? ceType.substring(prefix.length()) : null;
    }

    private static String reason(Exception e) {
        Throwable t = e;
        // Jackson wraps the records' own validation (requireNonNull) in its exception; the cause says what is wrong.
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return message.length() > 500 ? message.substring(0, 500) : message;
    }
}
