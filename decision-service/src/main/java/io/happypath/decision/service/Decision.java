package io.happypath.decision.service;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.happypath.contracts.decision.ExperimentAssignment;
import io.happypath.contracts.decision.SuppressedAction;
import io.happypath.decision.domain.AdaptiveModel;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The response of {@code POST /v1/decisions} (API.md).
 *
 * @param profileId absent when the request's identifiers belong to no known profile
 * @param degraded true when identity or live state could not be read and the decision used what was known
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
// The reason codes are domain records (no framework imports there), so they are registered here.
@RegisterForReflection(targets = {Decision.class, Decision.Shown.class, AdaptiveModel.Reason.class})
public record Decision(
        String decisionId,
        String profileId,
        String channel,
        String placement,
        List<Shown> actions,
        List<SuppressedAction> suppressed,
        ExperimentAssignment experiment,
        boolean degraded) {

    /**
     * A chosen action with what the channel shows.
     *
     * @param explanation the adaptive model's reason codes, largest contribution first; empty when the model has no
     *        active predictor or the propensity was random (model control group)
     */
    public record Shown(String actionId, String name, String group, double priority, double propensity,
            Map<String, Object> content, List<AdaptiveModel.Reason> explanation) {
    }
}
