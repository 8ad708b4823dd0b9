package io.happypath.contracts.decision;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * An action chosen by a decision, in {@link DecisionMade#actions()}, best first.
 *
 * @param priority the arbitration score {@code propensity × context weight × value × business lever}
 * @param propensity the model's propensity as used in arbitration (after sampling), between 0 and 1
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RankedAction(String actionId, double priority, double propensity) {

    public RankedAction {
        Objects.requireNonNull(actionId, "actionId is required");
        if (!Double.isFinite(priority)) {
            throw new IllegalArgumentException("priority must be a finite number, was " + priority);
        }
        if (!(propensity >= 0 && propensity <= 1)) {
            throw new IllegalArgumentException("propensity must be between 0 and 1, was " + propensity);
        }
    }
}
