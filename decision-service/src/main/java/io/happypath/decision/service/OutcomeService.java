package io.happypath.decision.service;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.happypath.contracts.decision.DecisionOutcome;
import io.happypath.contracts.decision.Outcome;
import io.happypath.contracts.segment.SegmentMessage;
import io.happypath.decision.cache.ContactHistory;
import io.happypath.decision.cache.DecisionRecords;
import io.happypath.decision.cache.ModelCounts;
import io.happypath.decision.config.DecisionConfig;
import io.happypath.decision.domain.AdaptiveModel;
import io.happypath.decision.domain.CompiledAction;
import io.happypath.decision.domain.ContactPolicy;
import io.happypath.decision.messaging.DecisionLog;
import io.happypath.platform.rest.ApiException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;

/**
 * Outcomes of decisions. {@link #report} (REST) and {@link #fromEvent} (track events on hp.events.v1 that carry a
 * {@code decisionId}) validate an outcome against its decision and publish {@code decision.outcome}; {@link #learn}
 * consumes that event (one write, then every effect from the log) and updates the adaptive model and the
 * suppression policies' outcome windows.
 */
@ApplicationScoped
// Eager, so that a bad outcome-events mapping fails the start.
@Startup
public class OutcomeService {

    private static final Logger LOG = Logger.getLogger(OutcomeService.class);

    private final DecisionRecords records;
    private final DecisionLog log;
    private final ModelCounts models;
    private final ContactHistory contacts;
    private final Catalogue catalogue;
    private final ObjectMapper json;
    private final MeterRegistry meters;
    private final Map<String, Outcome> outcomeEvents;

    public OutcomeService(DecisionRecords records, DecisionLog log, ModelCounts models, ContactHistory contacts,
            Catalogue catalogue, ObjectMapper json, MeterRegistry meters, DecisionConfig config) {
        this.records = records;
        this.log = log;
        this.models = models;
        this.contacts = contacts;
        this.catalogue = catalogue;
        this.json = json;
        this.meters = meters;
        this.outcomeEvents = outcomeEvents(config.outcomeEvents());
    }

    /** Parses {@code Event Name=outcome} pairs. */
    static Map<String, Outcome> outcomeEvents(List<String> pairs) {
        Map<String, Outcome> map = new HashMap<>();
        for (String pair : pairs) {
            int eq = pair.lastIndexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("happypath.decision.outcome-events: '" + pair
                        + "' is not 'Event Name=outcome'");
            }
            map.put(pair.substring(0, eq).strip(), Outcome.fromWire(pair.substring(eq + 1).strip()));
        }
        return Map.copyOf(map);
    }

    /** Checks an outcome against its decision and publishes it; 404 for an unknown decision. */
    public Uni<Void> report(String decisionId, String actionId, Outcome outcome) {
        return records.find(decisionId).chain(raw -> {
            if (raw == null) {
                return Uni.createFrom().failure(ApiException.notFound("decision", decisionId));
            }
            StoredDecision d = read(raw);
            if (!d.actionIds().contains(actionId)) {
                return Uni.createFrom().failure(new ApiException(400, "action_not_in_decision", "Action '"
                        + actionId + "' was not offered by decision '" + decisionId + "'; it offered "
                        + d.actionIds()));
            }
            DecisionOutcome event = new DecisionOutcome(decisionId, d.profileId(), actionId, outcome, d.channel(),
                    Instant.now());
            return log.outcome(d.subject(), UUID.randomUUID().toString(), event);
        });
    }

    /**
     * Turns a track event that carries {@code properties.decisionId} into an outcome of that decision, as if it had
     * been reported over REST. The outcome is {@code properties.outcome}, else the one configured for the event name
     * ({@code outcome-events}); the action is {@code properties.actionId}, or the decision's only action. The
     * published outcome's id derives from the event's id, so a redelivered event is learnt once. Events that name an
     * unknown (or expired) decision, or an action the decision did not offer, are ignored and counted.
     *
     * @param eventId the CloudEvent id of the track event
     */
    public Uni<Void> fromEvent(String eventId, SegmentMessage event) {
        Map<String, Object> props = event.properties() == null ? Map.of() : event.properties();
        if (!(props.get("decisionId") instanceof String decisionId) || decisionId.isBlank()) {
            return Uni.createFrom().voidItem();
        }
        Outcome outcome = outcomeOf(event.event(), props.get("outcome"));
        if (outcome == null) {
            return ignored("not-an-outcome");
        }
        return records.find(decisionId).chain(raw -> {
            if (raw == null) {
                LOG.debugf("event %s names unknown decision %s", eventId, decisionId);
                return ignored("unknown-decision");
            }
            StoredDecision d = read(raw);
            String actionId = props.get("actionId") instanceof String a && !a.isBlank()
                    ? a
                    : d.actionIds().size() == 1 ? d.actionIds().get(0) : null;
            if (actionId == null) {
                return ignored("missing-action");
            }
            if (!d.actionIds().contains(actionId)) {
                return ignored("action-not-in-decision");
            }
            DecisionOutcome o = new DecisionOutcome(decisionId, d.profileId(), actionId, outcome, d.channel(),
                    event.timestamp() != null ? event.timestamp() : Instant.now());
            String id = UUID.nameUUIDFromBytes(("hp.events.v1/" + eventId).getBytes(StandardCharsets.UTF_8))
                    .toString();
            return log.outcome(d.subject(), id, o);
        });
    }

    /** {@code properties.outcome} when it is one, else the outcome configured for the event name, else null. */
    Outcome outcomeOf(String eventName, Object property) {
        if (property instanceof String s) {
            try {
                return Outcome.fromWire(s);
            } catch (IllegalArgumentException e) {
                // Not an outcome of ours: the event name may still be one.
            }
        }
        return eventName == null ? null : outcomeEvents.get(eventName);
    }

    private Uni<Void> ignored(String reason) {
        meters.counter("happypath.decision.outcomes.ignored", "reason", reason).increment();
        return Uni.createFrom().voidItem();
    }

    /** Learns from a published outcome: model counts, then outcome windows of suppression policies. */
    public Uni<Void> learn(DecisionOutcome o) {
        return records.find(o.decisionId()).chain(raw -> {
            StoredDecision d = raw == null ? null : read(raw);
            String channel = o.channel() != null ? o.channel() : d == null ? null : d.channel();
            String subject = d != null ? d.subject() : o.profileId();
            meters.counter("happypath.decision.outcomes", "action", o.actionId(), "outcome", o.outcome().wireValue())
                    .increment();
            if (channel == null) {
                return Uni.createFrom().voidItem();
            }
            Uni<Void> model = switch (o.outcome()) {
                case CLICKED, ACCEPTED, CONVERTED -> learnModel(o.actionId(), channel, true, d);
                case DISMISSED -> learnModel(o.actionId(), channel, false, d);
                // An impression alone says nothing about the response yet.
                case IMPRESSION -> Uni.createFrom().voidItem();
            };
            if (subject == null) {
                return model;
            }
            return model.chain(() -> catalogue.snapshot()).chain(s -> {
                CompiledAction action = s.actions().get(o.actionId());
                if (action == null) {
                    return Uni.createFrom().voidItem();
                }
                List<Uni<Void>> ops = new ArrayList<>();
                for (ContactPolicy p : s.policies()) {
                    if (p.pausesAfterOutcomes() && o.outcome().wireValue().equals(p.outcome())
                            && p.appliesTo(action.action(), channel)) {
                        ops.add(contacts.recordOutcome(subject, p.id(), p.outcome(),
                                p.counter(action.action(), channel), o.decisionId() + ":" + o.actionId(), p.max(),
                                p.windowDuration(), p.pauseDuration(), o.at()).replaceWithVoid());
                    }
                }
                return ops.isEmpty()
                        ? Uni.createFrom().voidItem()
                        : Uni.join().all(ops).andFailFast().replaceWithVoid();
            });
        });
    }

    /**
     * One response of the action's model on the channel: the totals; and, when the decision's predictor values are
     * still known, their bins and the classifier bin of the score the model, read now, gives them.
     */
    private Uni<Void> learnModel(String actionId, String channel, boolean positive, StoredDecision d) {
        Uni<AdaptiveModel.Update> update = d == null || d.predictors() == null
                ? Uni.createFrom().nullItem()
                : models.read(channel, actionId).map(m -> m.update(d.predictors()));
        return update.chain(u -> models.record(channel, actionId, positive, u))
                .invoke(() -> meters.counter("happypath.decision.model.updates", "action", actionId, "channel",
                        channel).increment());
    }

    private StoredDecision read(String raw) {
        try {
            return json.readValue(raw, StoredDecision.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable decision record", e);
        }
    }
}
