package io.happypath.decision.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.Test;

class ModelAndAssignmentTest {

    private final RandomGenerator random = new SplittableRandom(42);

    @Test
    void thompsonSamplesConcentrateAroundTheObservedRate() {
        int within = 0;
        for (int i = 0; i < 2000; i++) {
            double s = BetaSampler.sample(200, 800, random);
            within += Math.abs(s - 0.2) < 0.03 ? 1 : 0;
        }
        assertThat(within).isGreaterThan(1800);
    }

    @Test
    void aNewActionIsExploredAgainstAnEstablishedOne() {
        int newWins = 0;
        for (int i = 0; i < 2000; i++) {
            double established = BetaSampler.sample(30, 70, random);
            double fresh = BetaSampler.sample(0, 0, random);
            newWins += fresh > established ? 1 : 0;
        }
        // Uniform(0,1) beats a ~0.3 arm about 70 % of the time: new actions get shown and learnt.
        assertThat(newWins).isBetween(1200, 1600);
    }

    @Test
    void holdoutAssignmentIsStableAndCloseToItsShare() {
        int n = 100_000;
        int inHoldout = 0;
        for (int i = 0; i < n; i++) {
            String key = "profile-" + i + ":2026-11";
            double h = Hashing.toProportion(key);
            assertThat(Hashing.toProportion(key)).isEqualTo(h);
            inHoldout += h < 0.02 ? 1 : 0;
        }
        assertThat(inHoldout / (double) n).isBetween(0.018, 0.022);
    }

    @Test
    void experimentVariantsFollowTheirWeights() {
        var x = new Experiment("x", "X", List.of(), List.of("hero"), List.of(new Experiment.Variant("a", 3, null),
                new Experiment.Variant("control", 1, "random")), null);
        int control = 0;
        for (int i = 0; i < 20_000; i++) {
            String v = x.assign("p" + i).id();
            assertThat(x.assign("p" + i).id()).isEqualTo(v);
            control += v.equals("control") ? 1 : 0;
        }
        assertThat(control / 20_000.0).isBetween(0.23, 0.27);
        assertThat(x.active()).isTrue();
        assertThat(x.runsOn("web", "hero")).isTrue();
        assertThat(x.runsOn("web", "footer")).isFalse();
    }

    @Test
    void contactPolicyScopesAndCounters() {
        var a = new Action("a", "A", "sales", null, List.of("web", "email"), List.of(), null, null, null, null, null,
                null, List.of("named"), null, null);
        var perEmail = new ContactPolicy("mail", "frequency", "channel", "email", null, null, 1, "P7D", null, null);
        assertThat(perEmail.appliesTo(a, "email")).isTrue();
        assertThat(perEmail.appliesTo(a, "web")).isFalse();
        assertThat(perEmail.counter(a, "email")).isEqualTo("channel:email");
        var group = new ContactPolicy("g", "frequency", "group", null, "retention", null, 1, "P7D", null, null);
        assertThat(group.appliesTo(a, "web")).isFalse();
        var named = new ContactPolicy("named", "frequency", "group", null, "retention", null, 1, "P7D", null, null);
        assertThat(named.appliesTo(a, "web")).isTrue();
        var perAction = new ContactPolicy("x", "suppression", "action", "web", null, null, 3, "P30D", "dismissed",
                "P14D");
        assertThat(perAction.counter(a, "web")).isEqualTo("action:a:web");
        assertThat(perAction.reason()).contains("paused for P14D after 3 dismissed within P30D");
    }
}
