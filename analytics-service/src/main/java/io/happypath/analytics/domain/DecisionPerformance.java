package io.happypath.analytics.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.happypath.contracts.decision.Outcome;

/**
 * How actions performed over the decisions of a time range: per action the impressions (decisions that showed it),
 * the decisions with each outcome and their rate per impression, and the suppressions by kind of reason, including
 * the tone-deaf offers the guards stopped ({@link SuppressionKind#TONE_DEAF}).
 */
public final class DecisionPerformance {

    private DecisionPerformance() {
    }

    /** Decisions that showed an action ({@code outcome} null), or distinct decisions with that outcome of it. */
    public record ActionCount(String actionId, String outcome, long count) {
    }

    /** Suppressions of an action by kind of reason. */
    public record SuppressionCount(String actionId, String kind, long count) {
    }

    /**
     * One action's performance.
     *
     * @param impressions decisions that showed the action
     * @param outcomes per outcome (every kind, 0 when none): decisions in which the action got it
     * @param rates per outcome: {@code outcomes / impressions}; null without impressions
     * @param suppressed decisions that left the action out
     * @param suppressionsByReason per kind of reason
     * @param toneDeafStopped suppressions by the guards against tone-deaf offers
     */
    public record ActionPerformance(String actionId, long impressions, Map<String, Long> outcomes,
            Map<String, Double> rates, long suppressed, Map<String, Long> suppressionsByReason, long toneDeafStopped) {
    }

    /** Suppressions of one kind over all actions. */
    public record ReasonCount(String reason, long suppressions, boolean toneDeaf) {
    }

    /** The whole result; actions by impressions, then id. */
    public record Summary(long decisions, long impressions, long suppressions, long toneDeafStopped,
            List<ReasonCount> suppressionsByReason, List<ActionPerformance> actions) {
    }

    /** Puts the counts together. */
    public static Summary of(long decisions, List<ActionCount> actionCounts, List<SuppressionCount> suppressionCounts) {
        Map<String, Long> impressions = new TreeMap<>();
        Map<String, Map<String, Long>> outcomes = new TreeMap<>();
        Map<String, Map<String, Long>> suppressions = new TreeMap<>();
        for (ActionCount a : actionCounts) {
            if (a.outcome() == null) {
                impressions.merge(a.actionId(), a.count(), Long::sum);
            } else {
                outcomes.computeIfAbsent(a.actionId(), k -> new TreeMap<>()).merge(a.outcome(), a.count(), Long::sum);
            }
        }
        for (SuppressionCount s : suppressionCounts) {
            suppressions.computeIfAbsent(s.actionId(), k -> new TreeMap<>()).merge(s.kind(), s.count(), Long::sum);
        }
        TreeMap<String, Boolean> ids = new TreeMap<>();
        impressions.keySet().forEach(id -> ids.put(id, true));
        outcomes.keySet().forEach(id -> ids.put(id, true));
        suppressions.keySet().forEach(id -> ids.put(id, true));

        List<ActionPerformance> actions = new ArrayList<>();
        Map<String, Long> byReason = new TreeMap<>();
        long totalImpressions = 0;
        long totalSuppressed = 0;
        long totalToneDeaf = 0;
        for (String id : ids.keySet()) {
            long shown = impressions.getOrDefault(id, 0L);
            Map<String, Long> o = new LinkedHashMap<>();
            Map<String, Double> rates = new LinkedHashMap<>();
            for (Outcome kind : Outcome.values()) {
                long n = outcomes.getOrDefault(id, Map.of()).getOrDefault(kind.wireValue(), 0L);
                o.put(kind.wireValue(), n);
                rates.put(kind.wireValue(), shown == 0 ? null : (double) n / shown);
            }
            // Outcomes this service does not know yet are kept (without a rate, since their meaning is unknown).
            outcomes.getOrDefault(id, Map.of()).forEach(o::putIfAbsent);
            Map<String, Long> reasons = suppressions.getOrDefault(id, Map.of());
            long suppressed = reasons.values().stream().mapToLong(Long::longValue).sum();
            long toneDeaf = reasons.entrySet().stream().filter(e -> SuppressionKind.toneDeaf(e.getKey()))
                    .mapToLong(Map.Entry::getValue).sum();
            reasons.forEach((k, n) -> byReason.merge(k, n, Long::sum));
            actions.add(new ActionPerformance(id, shown, o, rates, suppressed, reasons, toneDeaf));
            totalImpressions += shown;
            totalSuppressed += suppressed;
            totalToneDeaf += toneDeaf;
        }
        actions.sort(Comparator.comparingLong(ActionPerformance::impressions).reversed()
                .thenComparing(ActionPerformance::actionId));
        List<ReasonCount> reasons = new ArrayList<>();
        byReason.forEach((k, n) -> reasons.add(new ReasonCount(k, n, SuppressionKind.toneDeaf(k))));
        reasons.sort(Comparator.comparingLong(ReasonCount::suppressions).reversed().thenComparing(ReasonCount::reason));
        return new Summary(decisions, totalImpressions, totalSuppressed, totalToneDeaf, reasons, actions);
    }
}
