package io.happypath.decision.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.happypath.contracts.CloudEvents;
import io.happypath.contracts.decision.ActionRequested;
import io.happypath.contracts.decision.DecisionMade;
import io.happypath.contracts.decision.DecisionOutcome;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Publishes decisions and outcomes on {@code hp.decisions.v1} and pushed actions on {@code hp.actions.v1}. Each
 * returned {@link Uni} completes when the broker acknowledged the record, so callers fail when the log fails.
 */
@ApplicationScoped
public class DecisionLog {

    private static final java.net.URI SOURCE = CloudEvents.serviceSource("decision-service");

    private final MutinyEmitter<String> decisions;
    private final MutinyEmitter<String> actions;
    private final ObjectMapper json;

    public DecisionLog(@Channel("decision-log") MutinyEmitter<String> decisions,
            @Channel("action-requests") MutinyEmitter<String> actions, ObjectMapper json) {
        this.decisions = decisions;
        this.actions = actions;
        this.json = json;
    }

    public Uni<Void> made(String key, DecisionMade decision) {
        return decisions.sendMessage(CloudEvents.message(key, decision.decisionId(), DecisionMade.CE_TYPE, SOURCE,
                write(decision)));
    }

    public Uni<Void> outcome(String key, String eventId, DecisionOutcome outcome) {
        return decisions.sendMessage(CloudEvents.message(key, eventId, DecisionOutcome.CE_TYPE, SOURCE,
                write(outcome)));
    }

    public Uni<Void> actionRequested(ActionRequested request) {
        return actions.sendMessage(CloudEvents.message(request.profileId(), request.requestId(),
                ActionRequested.CE_TYPE, SOURCE, write(request)));
    }

    private String write(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + o.getClass().getSimpleName(), e);
        }
    }
}
