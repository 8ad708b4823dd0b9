package io.happypath.contracts.decision;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.happypath.contracts.CloudEventTypes;

/**
 * A next-best-action decision, pulled over REST or pushed on a journey event: data of
 * {@code io.happypath.decision.made} on {@code hp.decisions.v1} (key: profileId).
 * <p>
 * Boolean components are {@code required} for Jackson: a missing value must not silently read as false.
 *
 * @param profileId the profile decided for; absent when the request named identifiers of no known profile
 * @param placement where the actions are shown, e.g. {@code home-hero}, if the request named one
 * @param actions the chosen actions, best first; may be empty
 * @param suppressed the candidates left out and why; may be empty
 * @param experiment the experiment variant the profile is in, if any
 * @param degraded true when the decision was made without some of its inputs (e.g. live state unavailable)
 * @param at when the decision was made
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record DecisionMade(
        String decisionId,
        String profileId,
        String channel,
        String placement,
        List<RankedAction> actions,
        List<SuppressedAction> suppressed,
        ExperimentAssignment experiment,
        @JsonProperty(required = true) boolean degraded,
        Instant at) {

    /** The {@code ce_type} that carries this record. */
    public static final String CE_TYPE = CloudEventTypes.DECISION_MADE;

    public DecisionMade {
        Objects.requireNonNull(decisionId, "decisionId is required");
        Objects.requireNonNull(channel, "channel is required");
        actions = List.copyOf(Objects.requireNonNull(actions, "actions is required"));
        suppressed = List.copyOf(Objects.requireNonNull(suppressed, "suppressed is required"));
        Objects.requireNonNull(at, "at is required");
    }
}
