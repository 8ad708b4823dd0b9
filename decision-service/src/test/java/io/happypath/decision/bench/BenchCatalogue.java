package io.happypath.decision.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import io.happypath.decision.domain.Action;
import io.happypath.decision.domain.ContactPolicy;

/**
 * The synthetic catalogue, customers and contact policies the decision benchmarks run on: {@code n} web actions in
 * five groups, each with three CEL rules (eligibility, applicability, suitability) over profile, state and context.
 */
public final class BenchCatalogue {

    static final List<String> GROUPS = List.of("sales", "retention", "service", "marketing", "upsell");
    static final List<String> STAGES = List.of("awareness", "consideration", "purchase", "usage", "loyalty");
    static final List<String> PLANS = List.of("basic", "plus", "premium");

    private BenchCatalogue() {
    }

    /**
     * {@code n} actions on the web channel and {@code placement}, most of which pass their rules for most customers;
     * about {@code n + 7} distinct expressions among the {@code 3n} rules.
     */
    public static List<Action> actions(int n, String placement, String idPrefix) {
        List<Action> actions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String group = GROUPS.get(i % GROUPS.size());
            String eligibility = "profile.known || " + (i % 3 == 0 ? "true" : "request.channel == 'web'");
            String applicability = "!has(state.journeys) || !has(state.journeys.lifecycle) || state.journeys.lifecycle"
                    + ".stage != '" + STAGES.get(i % STAGES.size()) + "'";
            // Every suitability rule differs, so that sharing evaluations of equal expressions does not flatter.
            String suitability = "!has(state.emotion) || !has(state.emotion.frustration) || state.emotion.frustration < "
                    + (0.5 + i / 1000.0);
            actions.add(new Action(idPrefix + i, "Bench action " + i, group, i % 2 == 0 ? "grow" : "retain",
                    List.of("web", "app"), List.of(placement), eligibility, applicability, suitability,
                    1.0 + (i % 7), (double) (i % 4) * 5, Map.of("web", Map.of("headline", "Offer " + i)), List.of(),
                    i % 10 == 0 ? "phone" : null, List.of()));
        }
        return actions;
    }

    /** A cap on the channel, a cap per group, and a pause after dismissals per action: 7 checks a decision. */
    public static List<ContactPolicy> policies(String idPrefix) {
        return List.of(
                new ContactPolicy(idPrefix + "web-cap", "frequency", "channel", "web", null, null, 1_000_000, "P1D",
                        null, null),
                new ContactPolicy(idPrefix + "group-cap", "frequency", "group", "web", null, null, 1_000_000, "P7D",
                        null, null),
                new ContactPolicy(idPrefix + "dismissals", "suppression", "group", null, null, null, 3, "P30D",
                        "dismissed", "P14D"));
    }

    /** A customer's traits and live state as the upstream services would return them. */
    public static Map<String, Object> profile(int i) {
        Map<String, Object> traits = new HashMap<>();
        traits.put("plan", PLANS.get(i % PLANS.size()));
        traits.put("age", 20 + i % 50);
        return Map.of("traits", traits);
    }

    public static Map<String, Object> state(int i) {
        Map<String, Object> state = new HashMap<>();
        state.put("journeys", Map.of("lifecycle", Map.of("stage", STAGES.get(i % STAGES.size()), "status",
                "active")));
        state.put("emotion", Map.of("frustration", (i % 10) / 10.0, "confidence", ((i * 7) % 10) / 10.0));
        state.put("segments", i % 4 == 0 ? List.of("at-risk") : List.of());
        if (i % 17 == 0) {
            state.put("signals", Map.of("openServiceIssue", Map.of("since", Instant.now().toString())));
        }
        return state;
    }

    /** Whether a simulated customer responds to an action: some actions suit some stages better. */
    public static boolean responds(int customer, int action, SplittableRandom random) {
        double base = 0.02 + (action % 5) * 0.01;
        double lift = customer % STAGES.size() == action % STAGES.size() ? 0.15 : 0;
        return random.nextDouble() < base + lift;
    }
}
