package io.happypath.decision.domain;

import java.time.Duration;

/**
 * A contact policy (ALGORITHMS.md, next-best-action step 3).
 * <ul>
 * <li>{@code frequency}: at most {@code max} contacts within the sliding {@code window}, counted per profile and
 * scope (e.g. 1 e-mail a week: scope {@code channel}, channel {@code email}, max 1, window P7D).</li>
 * <li>{@code suppression}: {@code max} outcomes of kind {@code outcome} within {@code window} pause the scope for
 * {@code pause} (e.g. 3 dismissals in 30 days → 14 days).</li>
 * </ul>
 *
 * @param scope what is counted together: {@code channel}, {@code group} or {@code action}
 * @param channel only contacts on this channel count and are capped; any channel when absent
 * @param group for scope {@code group}: only this group; the action's own group when absent
 * @param actionId for scope {@code action}: only this action; each action separately when absent
 */
public record ContactPolicy(
        String id,
        String type,
        String scope,
        String channel,
        String group,
        String actionId,
        Integer max,
        String window,
        String outcome,
        String pause) {

    public boolean countsContacts() {
        return "frequency".equals(type);
    }

    public boolean pausesAfterOutcomes() {
        return "suppression".equals(type);
    }

    public Duration windowDuration() {
        return Duration.parse(window);
    }

    public Duration pauseDuration() {
        return Duration.parse(pause);
    }

    /**
     * Whether the policy governs an action on a channel: its filters match, or the action names the policy.
     */
    public boolean appliesTo(Action action, String onChannel) {
        if (channel != null && !channel.equals(onChannel)) {
            return false;
        }
        if (action.policies().contains(id)) {
            return true;
        }
        return switch (scope) {
            case "channel" -> true;
            case "group" -> group == null || group.equals(action.group());
            case "action" -> actionId == null || actionId.equals(action.id());
            default -> false;
        };
    }

    /** The counter a contact or outcome of the action falls in, e.g. {@code channel:email} or {@code action:x:web}. */
    public String counter(Action action, String onChannel) {
        String suffix = channel == null ? "" : ":" + channel;
        return switch (scope) {
            case "channel" -> "channel:" + onChannel;
            case "group" -> "group:" + action.group() + suffix;
            default -> "action:" + action.id() + suffix;
        };
    }

    /** Why the policy excludes an action, for {@code suppressed[].reason}. */
    public String reason() {
        return countsContacts()
                ? "contact policy " + id + ": at most " + max + " per " + window + " (" + counterLabel() + ")"
                : "contact policy " + id + ": paused for " + pause + " after " + max + " " + outcome + " within "
                        + window;
    }

    private String counterLabel() {
        return channel == null ? scope : scope + " on " + channel;
    }
}
