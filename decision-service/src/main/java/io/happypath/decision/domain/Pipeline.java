package io.happypath.decision.domain;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The pure steps of the next-best-action pipeline (ALGORITHMS.md, after Pega's documented pipeline): candidates →
 * eligibility, applicability, suitability → guards; then, after the contact policies the service checks in Redis,
 * arbitration {@code priority = P × C × V × L}.
 */
public final class Pipeline {

    private Pipeline() {
    }

    /**
     * The candidates that passed rules and guards, those left out, and the context boosts the guards grant.
     *
     * @param boosts context weight in percent per action id, from the guards
     */
    public record Screening(List<CompiledAction> survivors, List<Suppression> suppressed, Map<String, Double> boosts,
            Map<String, Object> celVariables) {
    }

    /** Candidates for the channel and placement, filtered by their rules and by the guards. */
    public static Screening screen(Collection<CompiledAction> catalogue, DecisionInputs in, GuardSettings guards) {
        Map<String, Object> vars = in.celVariables();
        GuardState gs = GuardState.of(in, guards);
        List<CompiledAction> survivors = new ArrayList<>();
        List<Suppression> suppressed = new ArrayList<>();
        Map<String, Double> boosts = new HashMap<>();
        // Rules are pure functions of the variables: actions that share an expression share its evaluation.
        Map<String, Boolean> evaluated = new HashMap<>();
        for (CompiledAction ca : catalogue) {
            Action a = ca.action();
            if (!a.offeredOn(in.channel(), in.placement())) {
                continue;
            }
            String reason = failedRule(ca, vars, evaluated);
            if (reason == null) {
                reason = gs.suppressionReason(a, guards, in.now());
            }
            if (reason != null) {
                suppressed.add(new Suppression(a.id(), reason));
                continue;
            }
            if (gs.serviceMode() && guards.serviceGroup().equals(a.group())) {
                boosts.put(a.id(), guards.serviceBoost());
            }
            survivors.add(ca);
        }
        return new Screening(survivors, suppressed, boosts, vars);
    }

    private static String failedRule(CompiledAction ca, Map<String, Object> vars, Map<String, Boolean> evaluated) {
        for (Rule r : new Rule[]{ca.eligibility(), ca.applicability(), ca.suitability()}) {
            if (r != null && !evaluated.computeIfAbsent(r.expression(), e -> r.test(vars))) {
                return r.name() + " rule not met: " + r.expression();
            }
        }
        return null;
    }

    /**
     * Arbitration: ranks candidates by {@code P × C × V × L}, best first (ties by action id), and keeps
     * {@code limit}.
     *
     * @param propensity P per action
     * @param boosts context weight in percent granted by the guards, per action id
     * @param contextWeights configured context weight rules, evaluated over {@code vars}
     * @param groupWeights business weight per group, in percent
     * @param issueWeights business weight per issue, in percent
     */
    public static List<Ranked> arbitrate(List<CompiledAction> candidates, ToDoubleFunction<Action> propensity,
            Map<String, Double> boosts, List<ContextWeight> contextWeights, Map<String, Double> groupWeights,
            Map<String, Double> issueWeights, Map<String, Object> vars, int limit) {
        List<ContextWeight> active = new ArrayList<>();
        for (ContextWeight cw : contextWeights) {
            if (cw.when().test(vars)) {
                active.add(cw);
            }
        }
        List<Ranked> ranked = new ArrayList<>(candidates.size());
        for (CompiledAction ca : candidates) {
            Action a = ca.action();
            double p = propensity.applyAsDouble(a);
            double weights = boosts.getOrDefault(a.id(), 0.0);
            // A loop, not a stream: this runs for every candidate of every decision.
            for (ContextWeight cw : active) {
                if (cw.appliesTo(a)) {
                    weights += cw.weight();
                }
            }
            double c = 1 + weights / 100;
            double l = 1 + (a.weight() + groupWeights.getOrDefault(a.group(), 0.0)
                    + (a.issue() == null ? 0.0 : issueWeights.getOrDefault(a.issue(), 0.0))) / 100;
            // A negative weight may lower a lever or context to zero but never flip the ranking's sign.
            double priority = p * Math.max(0, c) * a.value() * Math.max(0, l);
            ranked.add(new Ranked(a, priority, p, c, l));
        }
        ranked.sort(Comparator.comparingDouble(Ranked::priority).reversed().thenComparing(r -> r.action().id()));
        return ranked.size() > limit ? List.copyOf(ranked.subList(0, limit)) : ranked;
    }

    /** What the guards read from the live state and profile, computed once per decision. */
    record GuardState(String blockingSignal, Double frustration, boolean frustrated, boolean consentWithdrawn,
            List<Map<String, Object>> touchpoints) {

        static GuardState of(DecisionInputs in, GuardSettings g) {
            Map<String, Object> signals = map(in.state().get("signals"));
            String blocking = g.blockingSignals().stream().filter(signals::containsKey).findFirst().orElse(null);
            Double frustration = number(map(in.state().get("emotion")).get("frustration"));
            boolean frustrated = frustration != null && frustration > g.frustrationThreshold();
            Object consent = map(in.profile().get("traits")).get(g.consentTrait());
            boolean withdrawn = Boolean.FALSE.equals(consent)
                    || "false".equalsIgnoreCase(String.valueOf(consent))
                    || signals.containsKey(g.consentWithdrawnSignal());
            List<Map<String, Object>> tps = new ArrayList<>();
            if (in.state().get("lastTouchpoints") instanceof List<?> list) {
                for (Object o : list) {
                    tps.add(map(o));
                }
            }
            return new GuardState(blocking, frustration, frustrated, withdrawn, tps);
        }

        boolean serviceMode() {
            return blockingSignal != null || frustrated;
        }

        String suppressionReason(Action a, GuardSettings g, Instant now) {
            if (g.sellingGroups().contains(a.group())) {
                if (blockingSignal != null) {
                    return "open service issue: " + blockingSignal;
                }
                if (frustrated) {
                    return String.format(Locale.ROOT, "frustration %.2f above %.2f", frustration,
                            g.frustrationThreshold());
                }
            }
            if (consentWithdrawn && g.marketingGroups().contains(a.group())) {
                return "marketing consent withdrawn";
            }
            if (a.product() != null) {
                Optional<String> bought = recentPurchase(a.product(), g, now);
                if (bought.isPresent()) {
                    return "recently bought: " + a.product() + " at " + bought.get();
                }
            }
            return null;
        }

        private Optional<String> recentPurchase(String product, GuardSettings g, Instant now) {
            Instant since = now.minus(g.recentPurchaseWindow());
            for (Map<String, Object> tp : touchpoints) {
                if (!g.purchaseEvents().contains(String.valueOf(tp.get("event")))) {
                    continue;
                }
                Map<String, Object> props = map(tp.get("properties"));
                boolean same = product.equals(tp.get("product")) || product.equals(props.get("product"))
                        || product.equals(props.get("product_id")) || product.equals(props.get("category"));
                Instant at = instant(tp.get("at"));
                if (same && at != null && !at.isBefore(since) && !at.isAfter(now.plus(Duration.ofMinutes(5)))) {
                    return Optional.of(at.toString());
                }
            }
            return Optional.empty();
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    static Double number(Object o) {
        if (o instanceof Number n) {
            return n.doubleValue();
        }
        return null;
    }

    static Instant instant(Object o) {
        if (o == null) {
            return null;
        }
        try {
            return Instant.parse(String.valueOf(o));
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
