package io.happypath.decision.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import io.happypath.decision.domain.Action;
import io.happypath.decision.domain.AdaptiveModel;
import io.happypath.decision.domain.CompiledAction;
import io.happypath.decision.domain.ContactPolicy;
import io.happypath.decision.domain.ContextWeight;
import io.happypath.decision.domain.DecisionInputs;
import io.happypath.decision.domain.GuardSettings;
import io.happypath.decision.domain.Pipeline;
import io.happypath.decision.domain.PolicyPlan;
import io.happypath.decision.domain.Predictors;
import io.happypath.decision.domain.Ranked;
import io.happypath.decision.domain.Rule;

/**
 * The in-process cost of one decision (a benchmark, not a test: surefire does not pick it up by name): 200 candidate
 * actions through their three CEL rules and the guards, the contact-policy plan (counts answered from memory instead
 * of Redis), predictor binning, naive-Bayes scoring with Thompson sampling, arbitration P × C × V × L and the
 * explanation of the top 3. JMH-style: warm-up iterations, then measured iterations, one thread.
 * <p>
 * Run: {@code ./mvnw -B -q -pl decision-service test -Dtest=PipelineBench -Dsurefire.failIfNoSpecifiedTests=false}
 * (options {@code -Dbench.actions=200 -Dbench.warmups=10 -Dbench.iterations=10 -Dbench.seconds=2}).
 */
class PipelineBench {

    private static final int CUSTOMERS = 64;

    @Test
    void decisionPipeline() {
        int n = Integer.getInteger("bench.actions", 200);
        int warmups = Integer.getInteger("bench.warmups", 10);
        int iterations = Integer.getInteger("bench.iterations", 10);
        long nanos = Integer.getInteger("bench.seconds", 2) * 1_000_000_000L;

        List<Action> actions = BenchCatalogue.actions(n, "home-hero", "a");
        List<CompiledAction> catalogue = actions.stream().map(CompiledAction::of).toList();
        List<ContactPolicy> policies = BenchCatalogue.policies("p-");
        List<ContextWeight> weights = List.of(new ContextWeight(Rule.compile("cancellation",
                "has(context.intent) && context.intent == 'cancellation'"), "retention", null, 100));
        Predictors.Settings settings = new Predictors.Settings(List.of("plan"), List.of("frustration", "confidence"),
                0.3, 0.6);
        List<DecisionInputs> customers = new ArrayList<>();
        for (int i = 0; i < CUSTOMERS; i++) {
            Map<String, Object> profile = new HashMap<>(BenchCatalogue.profile(i));
            profile.put("profileId", "c" + i);
            profile.put("known", true);
            customers.add(new DecisionInputs("web", "home-hero", profile, BenchCatalogue.state(i), Map.of("channel",
                    "web", "limit", 3), i % 9 == 0 ? Map.of("intent", "cancellation") : Map.of(), Instant.now()));
        }
        Map<String, AdaptiveModel> models = trainedModels(actions, customers, settings);

        long[] sink = new long[1];
        int[] next = new int[1];
        Runnable one = () -> {
            DecisionInputs in = customers.get(next[0]++ % CUSTOMERS);
            sink[0] += decide(in, catalogue, policies, weights, models, settings);
        };

        System.out.printf(Locale.ROOT, "BENCH decision pipeline: %d actions, %d warm-up + %d measured iterations of"
                + " %.1f s, one thread%n", n, warmups, iterations, nanos / 1e9);
        for (int w = 0; w < warmups; w++) {
            Histogram h = iteration(one, nanos);
            System.out.printf(Locale.ROOT, "  warm-up %d: %.1f us/decision%n", w + 1, h.getMean() / 1e3);
        }
        Histogram all = new Histogram(3);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuBefore = threads.getCurrentThreadCpuTime();
        for (int it = 0; it < iterations; it++) {
            Histogram h = iteration(one, nanos);
            all.add(h);
            System.out.printf(Locale.ROOT, "  iteration %d: %.1f us/decision (%,.0f decisions/s)%n", it + 1,
                    h.getMean() / 1e3, 1e9 / h.getMean());
        }
        // CPU time of this thread: unlike wall-clock time, it does not grow when other processes take the cores.
        double cpuMicros = (threads.getCurrentThreadCpuTime() - cpuBefore) / 1e3 / all.getTotalCount();
        System.out.printf(Locale.ROOT, "BENCH decision pipeline result: mean %.1f us, p50 %.1f us, p90 %.1f us, "
                + "p99 %.1f us, max %.1f us per decision over %,d decisions%n", all.getMean() / 1e3,
                all.getValueAtPercentile(50) / 1e3, all.getValueAtPercentile(90) / 1e3,
                all.getValueAtPercentile(99) / 1e3, all.getMaxValue() / 1e3, all.getTotalCount());
        System.out.printf(Locale.ROOT, "BENCH decision pipeline CPU: %.1f us of thread CPU time per decision; load "
                + "average %s%n", cpuMicros, loadAverage());
        // Most decisions return three actions with explanations: the work was done, not optimised away.
        assertThat(sink[0]).isGreaterThan(all.getTotalCount());
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static Histogram iteration(Runnable decision, long nanos) {
        Histogram h = new Histogram(3);
        long end = System.nanoTime() + nanos;
        long t = System.nanoTime();
        while (t < end) {
            decision.run();
            long done = System.nanoTime();
            h.recordValue(done - t);
            t = done;
        }
        return h;
    }

    /** One decision, as DecisionService makes it, with the contact history answered from memory. */
    static int decide(DecisionInputs in, List<CompiledAction> catalogue, List<ContactPolicy> policies,
            List<ContextWeight> weights, Map<String, AdaptiveModel> models, Predictors.Settings settings) {
        Pipeline.Screening screening = Pipeline.screen(catalogue, in, GuardSettings.defaults());
        PolicyPlan plan = PolicyPlan.of(screening.survivors(), policies, in.channel());
        // About one check in twenty has reached its limit.
        Map<String, String> blocked = plan.blocked(c -> ((c.counter().hashCode() ^ in.profile().get("profileId")
                .hashCode()) & 31) == 0);
        List<CompiledAction> allowed = new ArrayList<>(screening.survivors().size());
        for (CompiledAction ca : screening.survivors()) {
            if (!blocked.containsKey(ca.id())) {
                allowed.add(ca);
            }
        }
        Map<String, String> values = Predictors.of(in, settings);
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        List<Ranked> ranked = Pipeline.arbitrate(allowed, a -> models.getOrDefault(a.id(), AdaptiveModel.EMPTY)
                .sample(values, rnd), screening.boosts(), weights, Map.of(), Map.of(), screening.celVariables(), 3);
        int reasons = 0;
        for (Ranked r : ranked) {
            reasons += models.getOrDefault(r.action().id(), AdaptiveModel.EMPTY).explain(values, 3).size();
        }
        return ranked.size() + reasons;
    }

    /** Every action's model after 400 simulated responses, learnt as the service learns them. */
    private static Map<String, AdaptiveModel> trainedModels(List<Action> actions, List<DecisionInputs> customers,
            Predictors.Settings settings) {
        SplittableRandom random = new SplittableRandom(1);
        Map<String, AdaptiveModel> models = new HashMap<>();
        for (int a = 0; a < actions.size(); a++) {
            AdaptiveModel.DataBuilder data = new AdaptiveModel.DataBuilder();
            AdaptiveModel model = AdaptiveModel.EMPTY;
            for (int r = 0; r < 400; r++) {
                int customer = random.nextInt(CUSTOMERS);
                boolean positive = BenchCatalogue.responds(customer, a, random);
                AdaptiveModel.Update u = model.update(Predictors.of(customers.get(customer), settings));
                data.total(positive, 1);
                u.bins().forEach((p, b) -> data.bin(p, b, positive, 1));
                data.score(u.scoreBin(), positive, 1);
                if (r % 20 == 19) {
                    model = AdaptiveModel.build(data.build(), AdaptiveModel.Settings.defaults());
                }
            }
            models.put(actions.get(a).id(), AdaptiveModel.build(data.build(), AdaptiveModel.Settings.defaults()));
        }
        return models;
    }
}
