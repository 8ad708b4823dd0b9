package io.happypath.contracts.decision;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A candidate action a decision left out, and why, in {@link DecisionMade#suppressed()}.
 *
 * @param reason for people, e.g. {@code open service issue: openServiceIssue}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SuppressedAction(String actionId, String reason) {

    public SuppressedAction {
        Objects.requireNonNull(actionId, "actionId is required");
        Objects.requireNonNull(reason, "reason is required");
    }
}
