package io.happypath.decision.domain;

/**
 * A context weight rule (ALGORITHMS.md: C = 1 + Σ matching weights / 100), e.g. {@code context.intent ==
 * 'cancellation'} → group {@code retention} +100 %.
 *
 * @param group the group it applies to, or null for any
 * @param actionId the action it applies to, or null for any
 * @param weight in percent
 */
public record ContextWeight(Rule when, String group, String actionId, double weight) {

    public boolean appliesTo(Action action) {
        return (group == null || group.equals(action.group())) && (actionId == null || actionId.equals(action.id()));
    }
}
