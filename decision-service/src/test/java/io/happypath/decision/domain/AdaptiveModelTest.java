package io.happypath.decision.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/** The naive-Bayes adaptive model, its calibration and its AUC (ALGORITHMS.md, "Adaptive model"). */
class AdaptiveModelTest {

    private final SplittableRandom random = new SplittableRandom(7);

    /** Learns responses the way the service does: each one updates what the model at that moment says. */
    private static final class Learner {

        private final AdaptiveModel.DataBuilder data = new AdaptiveModel.DataBuilder();
        private AdaptiveModel model = AdaptiveModel.EMPTY;

        void learn(Map<String, String> values, boolean positive) {
            AdaptiveModel.Update u = model.update(values);
            data.total(positive, 1);
            u.bins().forEach((p, b) -> data.bin(p, b, positive, 1));
            data.score(u.scoreBin(), positive, 1);
            model = AdaptiveModel.build(data.build(), AdaptiveModel.Settings.defaults());
        }
    }

    private static Map<String, String> stage(String stage) {
        return Map.of("placement", "hero", "journey.phone", stage);
    }

    @Test
    void anEmptyModelGivesOneHalfWithoutEvidence() {
        AdaptiveModel.Scored s = AdaptiveModel.EMPTY.score(stage("a"));
        assertThat(s.propensity()).isEqualTo(0.5);
        assertThat(s.evidence()).isZero();
        assertThat(AdaptiveModel.EMPTY.explain(stage("a"), 3)).isEmpty();
        assertThat(AdaptiveModel.EMPTY.auc()).isEqualTo(0.5);
    }

    @Test
    void twoStagesWithDifferentClickRatesAreSeparated() {
        // Stage A clicks 30 %, stage B 2 %, interleaved as traffic would be.
        Learner l = new Learner();
        for (int i = 0; i < 200; i++) {
            l.learn(stage("A"), i % 10 < 3);
            l.learn(stage("B"), i % 50 == 0);
        }
        AdaptiveModel m = l.model;
        AdaptiveModel.Predictor journey = m.predictors().get(0);
        assertThat(journey.name()).isEqualTo("journey.phone");
        assertThat(journey.active()).isTrue();
        // Bins A: 60 of 200, B: 4 of 200 → AUC = (1 + TPR − FPR) / 2 at the one threshold.
        double tpr = 60.0 / 64;
        double fpr = 140.0 / 336;
        assertThat(journey.auc()).isCloseTo((1 + tpr - fpr) / 2, within(1e-12)).isGreaterThan(0.6);
        Map<String, AdaptiveModel.Bin> bins = new HashMap<>();
        journey.bins().forEach(b -> bins.put(b.bin(), b));
        assertThat(bins.get("A").contribution()).isPositive();
        assertThat(bins.get("B").contribution()).isNegative();
        assertThat(bins.get("A").positives()).isEqualTo(60);
        assertThat(bins.get("B").positives()).isEqualTo(4);
        // The contribution follows the formula with Laplace smoothing 1/nBins (two bins, none pooled).
        double expectedA = Math.log(60 + 0.5) - Math.log(1 + 64) - (Math.log(140 + 0.5) - Math.log(1 + 336));
        assertThat(bins.get("A").contribution()).isCloseTo(expectedA, within(1e-12));
        // The placement never varies: it cannot rank anyone, so it stays out of the score.
        assertThat(m.predictors()).filteredOn(p -> p.name().equals("placement")).singleElement()
                .satisfies(p -> assertThat(p.active()).isFalse());

        double a = m.score(stage("A")).propensity();
        double b = m.score(stage("B")).propensity();
        assertThat(a).isGreaterThan(b);
        assertThat(a).isBetween(0.2, 0.4);
        assertThat(b).isBetween(0.0, 0.08);
        assertThat(m.auc()).isGreaterThan(0.6);
        assertThat(m.score(stage("A")).evidence()).isEqualTo(400);
        assertThat(m.explain(stage("A"), 3)).singleElement().satisfies(r -> {
            assertThat(r.predictor()).isEqualTo("journey.phone");
            assertThat(r.bin()).isEqualTo("A");
            assertThat(r.contribution()).isPositive();
        });
    }

    @Test
    void withoutPredictorsThePropensityIsTheObservedRate() {
        Learner l = new Learner();
        for (int i = 0; i < 300; i++) {
            l.learn(stage("A"), i % 10 < 3);
        }
        assertThat(l.model.score(stage("A")).propensity()).isCloseTo(0.3, within(0.03));
        assertThat(l.model.activeCount()).isZero();
    }

    @Test
    void thompsonSamplingExploresAroundTheModelsPropensity() {
        Learner l = new Learner();
        for (int i = 0; i < 1000; i++) {
            l.learn(stage("A"), i % 5 == 0);
        }
        AdaptiveModel.Scored s = l.model.score(stage("A"));
        int within = 0;
        for (int i = 0; i < 2000; i++) {
            double draw = BetaSampler.sample(s.propensity() * s.evidence(), (1 - s.propensity()) * s.evidence(),
                    random);
            within += Math.abs(draw - s.propensity()) < 0.1 * s.propensity() ? 1 : 0;
        }
        // ALGORITHMS.md: after about 200 positives, 90 % of samples fall within ±10 % of p.
        assertThat(within).isGreaterThan(1700);
    }

    @Test
    void smallBinsArePooledAndUnseenValuesFallInTheResidualOrOther() {
        AdaptiveModel.DataBuilder d = new AdaptiveModel.DataBuilder().total(true, 50).total(false, 150);
        d.bin("trait.plan", "basic", true, 10).bin("trait.plan", "basic", false, 90);
        d.bin("trait.plan", "premium", true, 38).bin("trait.plan", "premium", false, 54);
        // Two rare values (4 % of responses between them): one residual group.
        d.bin("trait.plan", "gold", true, 2).bin("trait.plan", "gold", false, 2);
        d.bin("trait.plan", "trial", false, 4);
        AdaptiveModel m = AdaptiveModel.build(d.build(), AdaptiveModel.Settings.defaults());
        AdaptiveModel.Predictor plan = m.predictors().get(0);
        Map<String, AdaptiveModel.Bin> bins = new HashMap<>();
        plan.bins().forEach(b -> bins.put(b.bin(), b));
        assertThat(bins.get("gold").pooled()).isTrue();
        assertThat(bins.get("trial").pooled()).isTrue();
        assertThat(bins.get("basic").pooled()).isFalse();
        assertThat(bins.get("gold").contribution()).isEqualTo(bins.get("trial").contribution());
        // Three groups → Laplace 1/3; the residual group holds 2 positives and 6 negatives.
        double residual = Math.log(2 + 1.0 / 3) - Math.log(51) - (Math.log(6 + 1.0 / 3) - Math.log(151));
        assertThat(bins.get("gold").contribution()).isCloseTo(residual, within(1e-12));
        assertThat(m.explain(Map.of("trait.plan", "platinum"), 3)).singleElement()
                .satisfies(r -> assertThat(r.contribution()).isCloseTo(residual, within(1e-12)));
        // The bins are listed highest propensity first.
        List<Double> propensities = plan.bins().stream().map(AdaptiveModel.Bin::propensity).toList();
        assertThat(propensities).isSortedAccordingTo((x, y) -> Double.compare(y, x));
    }

    @Test
    void anUpdateCountsMissingPredictorsAndCapsTheNumberOfBins() {
        AdaptiveModel.DataBuilder d = new AdaptiveModel.DataBuilder().total(true, 3).total(false, 3);
        d.bin("journey.lifecycle", "usage", true, 3).bin("segment.vip", "in", false, 3);
        d.bin("trait.city", "a", true, 1).bin("trait.city", "b", true, 1).bin("trait.city", "c", false, 1);
        AdaptiveModel m = AdaptiveModel.build(d.build(), new AdaptiveModel.Settings(0.52, 0.05, 3));
        AdaptiveModel.Update u = m.update(Map.of("placement", "hero", "trait.city", "d"));
        assertThat(u.bins()).containsEntry("placement", "hero")
                .containsEntry("journey.lifecycle", Predictors.MISSING)
                .containsEntry("segment.vip", Predictors.OUT)
                .containsEntry("trait.city", Predictors.OTHER);
        assertThat(m.update(Map.of("trait.city", "a")).bins()).containsEntry("trait.city", "a");
    }

    @Test
    void poolAdjacentViolatorsKeepsTheCalibrationMonotone() {
        for (int trial = 0; trial < 500; trial++) {
            SortedMap<Integer, BinCounts> bins = new TreeMap<>();
            long positives = 0;
            long negatives = 0;
            int n = 1 + random.nextInt(30);
            for (int i = 0; i < n; i++) {
                BinCounts c = new BinCounts(random.nextInt(20), random.nextInt(40));
                bins.put(random.nextInt(-200, 200), c);
            }
            for (BinCounts c : bins.values()) {
                positives += c.positives();
                negatives += c.negatives();
            }
            List<Calibration.Block> blocks = Calibration.poolAdjacentViolators(bins);
            for (int i = 1; i < blocks.size(); i++) {
                assertThat(blocks.get(i).propensity()).isGreaterThanOrEqualTo(blocks.get(i - 1).propensity());
                assertThat(blocks.get(i).fromBin()).isGreaterThan(blocks.get(i - 1).toBin());
            }
            assertThat(blocks.stream().mapToLong(b -> b.counts().positives()).sum()).isEqualTo(positives);
            assertThat(blocks.stream().mapToLong(b -> b.counts().negatives()).sum()).isEqualTo(negatives);
        }
    }

    @Test
    void poolAdjacentViolatorsPoolsOnlyViolators() {
        SortedMap<Integer, BinCounts> bins = new TreeMap<>();
        bins.put(-3, new BinCounts(1, 99));
        bins.put(-1, new BinCounts(30, 70));
        bins.put(0, new BinCounts(10, 90));
        bins.put(2, new BinCounts(50, 50));
        bins.put(4, new BinCounts(0, 0));
        Calibration c = Calibration.of(bins);
        assertThat(c.blocks()).containsExactly(
                new Calibration.Block(-3, -3, new BinCounts(1, 99)),
                new Calibration.Block(-1, 0, new BinCounts(40, 160)),
                new Calibration.Block(2, 2, new BinCounts(50, 50)));
        // Lookup: inside a block, between blocks the nearer one, beyond the ends the end blocks.
        assertThat(c.blockFor(0).fromBin()).isEqualTo(-1);
        assertThat(c.blockFor(-2).fromBin()).isEqualTo(-3);
        assertThat(c.blockFor(1).fromBin()).isEqualTo(-1);
        assertThat(c.blockFor(-50).fromBin()).isEqualTo(-3);
        assertThat(c.blockFor(50).fromBin()).isEqualTo(2);
    }

    @Test
    void aucFromBinsMatchesTheMannWhitneyStatistic() {
        for (int trial = 0; trial < 200; trial++) {
            int nBins = 1 + random.nextInt(8);
            List<BinCounts> bins = new ArrayList<>();
            for (int i = 0; i < nBins; i++) {
                bins.add(new BinCounts(random.nextInt(15), random.nextInt(15)));
            }
            // Independent computation: every (positive, negative) pair of individual responses, each scored by its
            // bin's propensity; a tie counts one half.
            List<Double> pos = new ArrayList<>();
            List<Double> neg = new ArrayList<>();
            for (BinCounts b : bins) {
                for (long k = 0; k < b.positives(); k++) {
                    pos.add(b.propensity());
                }
                for (long k = 0; k < b.negatives(); k++) {
                    neg.add(b.propensity());
                }
            }
            double expected;
            if (pos.isEmpty() || neg.isEmpty()) {
                expected = 0.5;
            } else {
                double wins = 0;
                for (double p : pos) {
                    for (double q : neg) {
                        wins += p > q ? 1 : p == q ? 0.5 : 0;
                    }
                }
                expected = wins / ((double) pos.size() * neg.size());
            }
            assertThat(Roc.auc(bins)).isCloseTo(expected, within(1e-12));
        }
        assertThat(Roc.auc(List.of(new BinCounts(10, 0), new BinCounts(0, 10)))).isEqualTo(1.0);
        assertThat(Roc.auc(List.of(new BinCounts(5, 5)))).isEqualTo(0.5);
    }

    @Test
    void predictorValuesComeFromTheDecisionInputs() {
        DecisionInputs in = new DecisionInputs("web", "home|hero", Map.of("known", true, "traits", Map.of("plan",
                "premium", "age", 42, "address", Map.of("city", "x"))), Map.of(
                        "journeys", Map.of("phone-onboarding", Map.of("stage", "activating", "status", "stalled")),
                        "emotion", Map.of("frustration", 0.8, "confidence", 0.3),
                        "segments", List.of("at-risk")),
                Map.of(), Map.of(), Instant.now());
        Predictors.Settings settings = new Predictors.Settings(List.of("plan", "age", "address", "tier"),
                List.of("frustration", "confidence", "joy"), 0.3, 0.6);
        assertThat(Predictors.of(in, settings)).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                Map.entry("placement", "home/hero"),
                Map.entry("profile.known", "true"),
                Map.entry("journey.phone-onboarding", "activating"),
                Map.entry("emotion.frustration", "high"),
                Map.entry("emotion.confidence", "mid"),
                Map.entry("emotion.joy", Predictors.MISSING),
                Map.entry("trait.plan", "premium"),
                Map.entry("trait.age", "42"),
                Map.entry("trait.address", Predictors.MISSING),
                Map.entry("trait.tier", Predictors.MISSING),
                Map.entry("segment.at-risk", "in")));
        DecisionInputs anonymous = new DecisionInputs("web", null, Map.of("known", false), Map.of(), Map.of(),
                Map.of(), Instant.now());
        assertThat(Predictors.of(anonymous, Predictors.Settings.defaults())).containsEntry("placement",
                Predictors.MISSING).containsEntry("profile.known", "false").containsEntry("emotion.frustration",
                        Predictors.MISSING);
    }
}
