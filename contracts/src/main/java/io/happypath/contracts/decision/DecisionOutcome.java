package io.happypath.contracts.decision;

import java.time.Instant;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import io.happypath.contracts.CloudEventTypes;

/**
 * What the customer did with an action of a decision: data of {@code io.happypath.decision.outcome} on
 * {@code hp.decisions.v1} (key: profileId). The adaptive models learn from it.
 *
 * @param profileId the profile of the decision; absent when the decision had none
 * @param channel the channel the outcome was observed on, if reported
 * @param at when the outcome was reported
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record DecisionOutcome(
        String decisionId,
        String profileId,
        String actionId,
        Outcome outcome,
        String channel,
        Instant at) {

    /** The {@code ce_type} that carries this record. */
    public static final String CE_TYPE = CloudEventTypes.DECISION_OUTCOME;

    public DecisionOutcome {
        Objects.requireNonNull(decisionId, "decisionId is required");
        Objects.requireNonNull(actionId, "actionId is required");
        Objects.requireNonNull(outcome, "outcome is required");
        Objects.requireNonNull(at, "at is required");
    }
}
