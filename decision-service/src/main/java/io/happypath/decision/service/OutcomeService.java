package io.happypath.decision.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.happypath.contracts.decision.DecisionOutcome;
import io.happypath.contracts.decision.Outcome;
import io.happypath.decision.cache.ContactHistory;
import io.happypath.decision.cache.DecisionRecords;
import io.happypath.decision.cache.ModelCounts;
import io.happypath.decision.domain.CompiledAction;
import io.happypath.decision.domain.ContactPolicy;
import io.happypath.decision.messaging.DecisionLog;
import io.happypath.platform.rest.ApiException;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * Outcomes of decisions. {@link #report} validates an outcome against its decision and publishes
 * {@code decision.outcome}; {@link #learn} consumes that event (one write, then every effect from the log) and
 * updates the adaptive model and the suppression policies' outcome windows.
 */
@ApplicationScoped
public class OutcomeService {

    private final DecisionRecords records;
    private final DecisionLog log;
    private final ModelCounts models;
    private final ContactHistory contacts;
    private final Catalogue catalogue;
    private final ObjectMapper json;
    private final MeterRegistry meters;

    public OutcomeService(DecisionRecords records, DecisionLog log, ModelCounts models, ContactHistory contacts,
            Catalogue catalogue, ObjectMapper json, MeterRegistry meters) {
        this.records = records;
        this.log = log;
        this.models = models;
        this.contacts = contacts;
        this.catalogue = catalogue;
        this.json = json;
        this.meters = meters;
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
                case CLICKED, ACCEPTED, CONVERTED -> models.record(o.actionId(), channel, true);
                case DISMISSED -> models.record(o.actionId(), channel, false);
                // An impression alone says nothing about the response yet.
                case IMPRESSION -> Uni.createFrom().voidItem();
            };
            Uni<Void> counted = model.invoke(() -> {
                if (o.outcome() != Outcome.IMPRESSION) {
                    meters.counter("happypath.decision.model.updates", "channel", channel).increment();
                }
            });
            if (subject == null) {
                return counted;
            }
            return counted.chain(() -> catalogue.snapshot()).chain(s -> {
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

    private StoredDecision read(String raw) {
        try {
            return json.readValue(raw, StoredDecision.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable decision record", e);
        }
    }
}
