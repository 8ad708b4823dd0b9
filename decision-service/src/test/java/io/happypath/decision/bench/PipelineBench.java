package io.happypath.decision.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

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
 * The in-process cost of one decision, measured with JMH (a benchmark, not a test: surefire does not pick it up by
 * name): 200 candidate actions through their three CEL rules and the guards, the contact-policy plan (counts answered
 * from memory instead of Redis), predictor binning, naive-Bayes scoring with Thompson sampling, arbitration
 * P × C × V × L and the explanation of the top 3. One forked JVM, one thread; JMH reports µs per decision.
 * <p>
 * Run: {@code ./mvnw -B -q -pl decision-service test -Dtest=PipelineBench -Dsurefire.failIfNoSpecifiedTests=false}
 * (options {@code -Dbench.actions=200 -Dbench.warmups=5 -Dbench.iterations=5 -Dbench.seconds=2}, and a JMH profiler
 * such as {@code -Dbench.profiler=jfr} or {@code gc}).
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PipelineBench {

    private static final int CUSTOMERS = 64;

    @Param("200")
    public int actions;

    private List<CompiledAction> catalogue;
    private List<ContactPolicy> policies;
    private List<ContextWeight> weights;
    private Predictors.Settings settings;
    private List<DecisionInputs> customers;
    private Map<String, AdaptiveModel> models;
    private int next;

    /** The JUnit entry point: runs the benchmark in a forked JVM and checks that it measured decisions. */
    @Test
    void decisionPipeline() throws RunnerException {
        int seconds = Integer.getInteger("bench.seconds", 2);
        ChainedOptionsBuilder options = new OptionsBuilder().include(PipelineBench.class.getName() + ".decision$")
                .param("actions", Integer.toString(Integer.getInteger("bench.actions", 200))).forks(1).threads(1)
                .warmupIterations(Integer.getInteger("bench.warmups", 5))
                .warmupTime(TimeValue.seconds(seconds))
                .measurementIterations(Integer.getInteger("bench.iterations", 5))
                .measurementTime(TimeValue.seconds(seconds));
        String profiler = System.getProperty("bench.profiler");
        if (profiler != null) {
            options.addProfiler(profiler);
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        System.out.printf(Locale.ROOT, "BENCH decision pipeline: load average %s%n", loadAverage());
        assertThat(results).isNotEmpty().allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
    }

    @Setup
    public void setUp() {
        List<Action> list = BenchCatalogue.actions(actions, "home-hero", "a");
        catalogue = list.stream().map(CompiledAction::of).toList();
        policies = BenchCatalogue.policies("p-");
        weights = List.of(new ContextWeight(Rule.compile("cancellation",
                "has(context.intent) && context.intent == 'cancellation'"), "retention", null, 100));
        settings = new Predictors.Settings(List.of("plan"), List.of("frustration", "confidence"), 0.3, 0.6);
        customers = new ArrayList<>();
        for (int i = 0; i < CUSTOMERS; i++) {
            Map<String, Object> profile = new HashMap<>(BenchCatalogue.profile(i));
            profile.put("profileId", "c" + i);
            profile.put("known", true);
            customers.add(new DecisionInputs("web", "home-hero", profile, BenchCatalogue.state(i), Map.of("channel",
                    "web", "limit", 3), i % 9 == 0 ? Map.of("intent", "cancellation") : Map.of(), Instant.now()));
        }
        models = trainedModels(list, customers, settings);
    }

    /** One decision for the next customer; the result goes to JMH so that the work is not optimised away. */
    @Benchmark
    public int decision() {
        DecisionInputs in = customers.get(next++ % CUSTOMERS);
        return decide(in, catalogue, policies, weights, models, settings);
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
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
