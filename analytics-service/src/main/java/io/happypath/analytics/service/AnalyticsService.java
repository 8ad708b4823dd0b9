package io.happypath.analytics.service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.happypath.analytics.domain.Breakdown;
import io.happypath.analytics.domain.DecisionPerformance;
import io.happypath.analytics.domain.ExperimentStatistics;
import io.happypath.analytics.domain.Label;
import io.happypath.analytics.domain.PathRuns;
import io.happypath.analytics.domain.Sankey;
import io.happypath.analytics.domain.TimeRange;
import io.happypath.analytics.domain.TimeToConvert;
import io.happypath.analytics.repository.FactScanQueries;
import io.happypath.analytics.repository.QueryRepository;
import io.happypath.analytics.repository.QueryRepository.ChannelRow;
import io.happypath.analytics.repository.QueryRepository.StageTotals;
import io.happypath.platform.rest.ApiException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/** The analytics use cases: funnel, paths, channel effectiveness, experiments and decision performance. */
@ApplicationScoped
public class AnalyticsService {

    /**
     * A funnel stage: {@code entered} counts profiles whose first entry falls in the range, {@code entries} every
     * entry of theirs (re-entries included); the next stage and the conversion fields are null for the last stage.
     */
    public record FunnelStage(String stage, String nextStage, long entered, long entries, Long convertedToNext,
            Double conversionRate,
            Double medianSecondsToNext, Double p90SecondsToNext, String medianTimeToNext, String p90TimeToNext) {
    }

    /** The funnel of one breakdown group. */
    public record FunnelGroup(String value, List<FunnelStage> stages) {
    }

    /**
     * The funnel of a journey over a range; with a breakdown, also the funnel of each group (by entered profiles of
     * the first stage, descending).
     */
    public record Funnel(String journeyId, String from, String to, List<FunnelStage> stages, String breakdown,
            List<FunnelGroup> breakdowns) {
    }

    /**
     * One channel's effectiveness in one stage. {@code lift} is over the stage's profiles not touched on the channel
     * ({@code baseline} says so); {@code liftOverHoldout} over the stage's profiles in the holdout variant of an
     * experiment, when one was asked for ({@code holdoutBaseline} names it), null otherwise or when nobody of the
     * stage is in the holdout.
     */
    public record ChannelEffect(String channel, long touched, long advanced, double rate, long untouched,
            long untouchedAdvanced, Double untouchedRate, Double lift, String baseline, Double liftOverHoldout,
            String holdoutBaseline) {
    }

    /** The stage's profiles in the holdout variant of an experiment, and how many advanced within the window. */
    public record Holdout(String experimentId, String variant, long profiles, long advanced, Double rate) {
    }

    /** Channel effectiveness for one stage. */
    public record StageChannels(String stage, String nextStage, long profiles, long advanced, Double rate,
            Holdout holdout, List<ChannelEffect> channels) {
    }

    /** Channel effectiveness of a journey. */
    public record Channels(String journeyId, String from, String to, String window, List<StageChannels> stages) {
    }

    /** The label of the lift over the profiles not touched on a channel. */
    public static final String UNTOUCHED = "untouched";

    /** Decision performance over the decisions made in a range. */
    public record Performance(String from, String to, long decisions, long impressions, long suppressions,
            long toneDeafStopped, List<DecisionPerformance.ReasonCount> suppressionsByReason,
            List<DecisionPerformance.ActionPerformance> actions) {
    }

    /** A Sankey with the parameters that produced it. */
    public record Paths(String from, String to, int steps, int top, String label, String startsWith, String journey,
            long profiles, List<Sankey.Node> nodes, List<Sankey.Link> links) {
    }

    /** Experiment results. */
    public record Experiment(String experimentId, String control, List<ExperimentStatistics.VariantResult> variants,
            ExperimentStatistics.SampleRatio sampleRatioMismatch) {
    }

    /** A journey known to analytics. */
    public record JourneyRef(String journeyId) {
    }

    /** The journeys known to analytics (for the dashboard's filter). */
    public record Journeys(List<JourneyRef> journeys) {
    }

    /** An experiment with exposures. */
    public record ExperimentRef(String experimentId) {
    }

    /** The experiments with exposures, most recent first. */
    public record Experiments(List<ExperimentRef> experiments) {
    }

    private final QueryRepository queries;
    private final FactScanQueries factScans;

    public AnalyticsService(QueryRepository queries, FactScanQueries factScans) {
        this.queries = queries;
        this.factScans = factScans;
    }

    /**
     * The funnel over the journey's stages (or {@code stages} in the given order): per stage the profiles whose first
     * entry falls in the range, and those of them who entered the next stage afterwards (whenever: the range selects
     * the cohort, as PostHog's funnels do), from the stage entry and conversion aggregates.
     */
    public Uni<Funnel> funnel(String journeyId, TimeRange range, List<String> stages, Breakdown breakdown) {
        return stages(journeyId, stages).chain(order -> {
            Uni<List<FunnelStage>> overall = funnelStages(journeyId, order, range, Breakdown.NONE)
                    .map(groups -> groups.getOrDefault("", emptyStages(order)));
            if (breakdown == Breakdown.NONE) {
                return overall.map(s -> new Funnel(journeyId, range.from().toString(), range.to().toString(), s, null, null));
            }
            Uni<List<FunnelGroup>> groups = funnelStages(journeyId, order, range, breakdown).map(byGroup -> {
                List<FunnelGroup> out = new ArrayList<>();
                byGroup.forEach((value, s) -> out.add(new FunnelGroup(value, s)));
                out.sort(Comparator.comparingLong((FunnelGroup g) -> g.stages().isEmpty() ? 0 : -g.stages().get(0).entered())
                        .thenComparing(FunnelGroup::value));
                return out;
            });
            return Uni.combine().all().unis(overall, groups).asTuple().map(t -> new Funnel(journeyId,
                    range.from().toString(), range.to().toString(), t.getItem1(), breakdown.wireValue(), t.getItem2()));
        });
    }

    /** The funnel stages per breakdown group (the single group {@code ""} without a breakdown). */
    private Uni<Map<String, List<FunnelStage>>> funnelStages(String journeyId, List<String> order, TimeRange range,
            Breakdown breakdown) {
        if (order.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        List<Uni<List<QueryRepository.EnteredRow>>> entered = new ArrayList<>();
        List<Uni<Map<String, TimeToConvert>>> converted = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            entered.add(queries.entered(journeyId, order.get(i), range, breakdown));
            converted.add(i + 1 < order.size()
                    ? queries.converted(journeyId, order.get(i), order.get(i + 1), range, breakdown)
                    : Uni.createFrom().item(Map.of()));
        }
        return Uni.combine().all().unis(Uni.join().all(entered).andFailFast(), Uni.join().all(converted).andFailFast())
                .asTuple().map(t -> {
                    Map<String, List<FunnelStage>> out = new TreeMap<>();
                    t.getItem1().forEach(rows -> rows.forEach(r -> out.putIfAbsent(r.group(), null)));
                    for (String group : out.keySet()) {
                        List<FunnelStage> stages = new ArrayList<>();
                        for (int i = 0; i < order.size(); i++) {
                            QueryRepository.EnteredRow e = t.getItem1().get(i).stream().filter(r -> r.group().equals(group))
                                    .findFirst().orElse(new QueryRepository.EnteredRow(group, 0, 0));
                            TimeToConvert c = t.getItem2().get(i).getOrDefault(group, new TimeToConvert());
                            stages.add(stage(order, i, e.entered(), e.entries(), c.profiles(), c.percentile(0.5),
                                    c.percentile(0.9)));
                        }
                        out.put(group, stages);
                    }
                    return out;
                });
    }

    private static List<FunnelStage> emptyStages(List<String> order) {
        List<FunnelStage> out = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            out.add(stage(order, i, 0, 0, 0, null, null));
        }
        return out;
    }

    private static FunnelStage stage(List<String> order, int i, long entered, long entries, long converted,
            Double median, Double p90) {
        boolean last = i == order.size() - 1;
        return new FunnelStage(order.get(i), last ? null : order.get(i + 1), entered, entries, last ? null : converted,
                last || entered == 0 ? null : (double) converted / entered, last ? null : median, last ? null : p90,
                iso(last ? null : median), iso(last ? null : p90));
    }

    /**
     * The same funnel computed by scanning the raw journey facts (no breakdown): the baseline of the benchmark and an
     * independent check of the aggregates.
     */
    public Uni<Funnel> funnelFromFacts(String journeyId, TimeRange range, List<String> stages) {
        Uni<List<String>> order = requireJourney(journeyId).chain(() -> stages == null || stages.isEmpty()
                ? factScans.stageOrder(journeyId)
                : Uni.createFrom().item(stages));
        return order.chain(o -> {
            if (o.isEmpty()) {
                return Uni.createFrom().item(new Funnel(journeyId, range.from().toString(), range.to().toString(), List.of(),
                        null, null));
            }
            List<Uni<FactScanQueries.StageRow>> rows = new ArrayList<>();
            for (int i = 0; i < o.size(); i++) {
                rows.add(factScans.funnelStage(journeyId, o.get(i), i + 1 < o.size() ? o.get(i + 1) : null, range));
            }
            return Uni.join().all(rows).andFailFast().map(list -> {
                List<FunnelStage> out = new ArrayList<>();
                for (int i = 0; i < list.size(); i++) {
                    FactScanQueries.StageRow r = list.get(i);
                    out.add(stage(o, i, r.entered(), r.entries(), r.converted(), r.medianSeconds(), r.p90Seconds()));
                }
                return new Funnel(journeyId, range.from().toString(), range.to().toString(), out, null, null);
            });
        });
    }

    /**
     * The Sankey of paths. Without an anchor, the days inside the range are summed from the stored node and link
     * counts and only the profiles whose path started in the partial days at its ends are read one by one; with an
     * anchor, the stored paths are read (never the raw events).
     */
    public Uni<Paths> paths(TimeRange range, Label label, int steps, int top, String startsWith, String journeyId) {
        Uni<Void> check = journeyId == null ? Uni.createFrom().voidItem() : requireJourney(journeyId);
        Uni<Sankey.Counts> counts = check.chain(() -> startsWith == null
                ? unanchoredCounts(range, label, steps, journeyId)
                : anchoredCounts(range, label, steps, startsWith, journeyId));
        return counts.map(c -> {
            Sankey s = Sankey.of(c, steps, top);
            return new Paths(range.from().toString(), range.to().toString(), steps, top, label.wireValue(), startsWith,
                    journeyId, c.profiles(), s.nodes(), s.links());
        });
    }

    private Uni<Sankey.Counts> unanchoredCounts(TimeRange range, Label label, int steps, String journeyId) {
        TimeRange.WholeDays days = range.wholeDays();
        if (days.isEmpty()) {
            return storedPathCounts(range.from(), range.to(), label, steps, journeyId);
        }
        return Uni.combine().all()
                .unis(queries.pathCounts(journeyId, label, days.firstDay(), days.endDay(), steps),
                        storedPathCounts(range.from(), days.from(), label, steps, journeyId),
                        storedPathCounts(days.to(), range.to(), label, steps, journeyId))
                .asTuple().map(t -> t.getItem1().addAll(t.getItem2()).addAll(t.getItem3()));
    }

    /** The counts of the stored paths that started in {@code [from, to)}. */
    private Uni<Sankey.Counts> storedPathCounts(Instant from, Instant to, Label label, int steps, String journeyId) {
        if (!from.isBefore(to)) {
            return Uni.createFrom().item(new Sankey.Counts());
        }
        // Thousands of paths may be read: counted on a worker thread, not on the event loop.
        return queries.pathsStartedIn(from, to, journeyId).emitOn(Infrastructure.getDefaultWorkerPool()).map(paths -> {
            Sankey.Counts counts = new Sankey.Counts();
            paths.forEach(p -> counts.addPath(p.labels(label, steps), 1, steps));
            return counts;
        });
    }

    private Uni<Sankey.Counts> anchoredCounts(TimeRange range, Label label, int steps, String startsWith,
            String journeyId) {
        // The anchor is reached at or after the path's start and at or before its last step.
        return queries.pathsActiveIn(range.from(), range.to(), journeyId).emitOn(Infrastructure.getDefaultWorkerPool())
                .map(paths -> {
                    Sankey.Counts counts = new Sankey.Counts();
                    for (PathRuns p : paths) {
                        PathRuns.Anchored a = p.anchored(label, startsWith, steps);
                        if (a != null && !a.startAt().isBefore(range.from()) && a.startAt().isBefore(range.to())) {
                            counts.addPath(a.labels(), 1, steps);
                        }
                    }
                    return counts;
                });
    }

    /** The same Sankey computed by scanning the raw path facts: the benchmark's baseline and a check of the aggregates. */
    public Uni<Paths> pathsFromFacts(TimeRange range, Label label, int steps, int top, String startsWith,
            String journeyId) {
        return factScans.paths(range, label, steps, startsWith, journeyId).map(paths -> {
            Sankey s = Sankey.of(paths, steps, top);
            long profiles = paths.stream().mapToLong(Sankey.PathCount::profiles).sum();
            return new Paths(range.from().toString(), range.to().toString(), steps, top, label.wireValue(), startsWith,
                    journeyId, profiles, s.nodes(), s.links());
        });
    }

    /**
     * Channel effectiveness per stage against the stage's profiles not touched on the channel, and against the
     * stage's profiles in {@code holdoutVariant} of experiment {@code holdoutExperiment} when one is given (404 when
     * nobody was exposed to it).
     */
    public Uni<Channels> channels(String journeyId, TimeRange range, Duration window, String holdoutExperiment,
            String holdoutVariant) {
        long seconds = window.toSeconds();
        Uni<Void> holdoutCheck = holdoutExperiment == null
                ? Uni.createFrom().voidItem()
                : queries.experimentExists(holdoutExperiment).map(exists -> {
                    if (!exists) {
                        throw ApiException.notFound("Experiment", holdoutExperiment);
                    }
                    return null;
                });
        return holdoutCheck.chain(() -> stages(journeyId, null)).chain(order -> {
            List<Uni<StageChannels>> perStage = new ArrayList<>();
            for (int i = 0; i + 1 < order.size(); i++) {
                String stage = order.get(i);
                String next = order.get(i + 1);
                Uni<StageTotals> totals = queries.stageTotals(journeyId, stage, next, range, seconds);
                Uni<List<ChannelRow>> channels = queries.channels(journeyId, stage, next, range, seconds);
                Uni<StageTotals> holdout = holdoutExperiment == null
                        ? Uni.createFrom().nullItem()
                        : queries.holdoutTotals(journeyId, stage, next, range, seconds, holdoutExperiment, holdoutVariant);
                perStage.add(Uni.combine().all().unis(totals, channels, holdout).asTuple()
                        .map(t -> stageChannels(stage, next, t.getItem1(), t.getItem2(), t.getItem3() == null
                                ? null
                                : holdout(holdoutExperiment, holdoutVariant, t.getItem3()))));
            }
            if (perStage.isEmpty()) {
                return Uni.createFrom().item(new Channels(journeyId, range.from().toString(), range.to().toString(),
                        window.toString(), List.of()));
            }
            return Uni.join().all(perStage).andFailFast().map(list -> new Channels(journeyId, range.from().toString(),
                    range.to().toString(), window.toString(), list));
        });
    }

    static Holdout holdout(String experimentId, String variant, StageTotals totals) {
        return new Holdout(experimentId, variant, totals.profiles(), totals.advanced(),
                totals.profiles() == 0 ? null : (double) totals.advanced() / totals.profiles());
    }

    static StageChannels stageChannels(String stage, String next, StageTotals totals, List<ChannelRow> rows,
            Holdout holdout) {
        List<ChannelEffect> effects = new ArrayList<>();
        String holdoutBaseline = holdout == null || holdout.rate() == null
                ? null
                : "holdout: experiment " + holdout.experimentId() + ", variant " + holdout.variant();
        for (ChannelRow r : rows) {
            long untouched = totals.profiles() - r.touched();
            long untouchedAdvanced = totals.advanced() - r.advanced();
            double rate = r.touched() == 0 ? 0 : (double) r.advanced() / r.touched();
            Double untouchedRate = untouched == 0 ? null : (double) untouchedAdvanced / untouched;
            effects.add(new ChannelEffect(r.channel(), r.touched(), r.advanced(), rate, untouched, untouchedAdvanced,
                    untouchedRate, untouchedRate == null ? null : rate - untouchedRate, UNTOUCHED,
                    holdoutBaseline == null ? null : rate - holdout.rate(), holdoutBaseline));
        }
        return new StageChannels(stage, next, totals.profiles(), totals.advanced(),
                totals.profiles() == 0 ? null : (double) totals.advanced() / totals.profiles(), holdout, effects);
    }

    /** Per action: impressions, outcomes and rates, suppressions by reason, tone-deaf offers stopped. */
    public Uni<Performance> performance(TimeRange range) {
        return Uni.combine().all()
                .unis(queries.decisionCount(range), queries.actionCounts(range), queries.suppressionCounts(range)).asTuple()
                .map(t -> {
                    DecisionPerformance.Summary s = DecisionPerformance.of(t.getItem1(), t.getItem2(), t.getItem3());
                    return new Performance(range.from().toString(), range.to().toString(), s.decisions(), s.impressions(),
                            s.suppressions(), s.toneDeafStopped(), s.suppressionsByReason(), s.actions());
                });
    }

    /**
     * Experiment results; 404 when nobody was exposed to it. The sample-ratio check expects {@code allocation} when
     * given, else the shares the decision log stated for the variants (equal shares when it stated none).
     */
    public Uni<Experiment> experiment(String experimentId, Map<String, Double> allocation) {
        Uni<Map<String, Double>> expected = allocation.isEmpty()
                ? queries.allocation(experimentId)
                : Uni.createFrom().item(allocation);
        return Uni.combine().all().unis(queries.experiment(experimentId), expected).with((counts, shares) -> {
            if (counts.isEmpty()) {
                throw ApiException.notFound("Experiment", experimentId);
            }
            // Stated shares only count when they cover every exposed variant (older decisions may not state them).
            boolean usable = !allocation.isEmpty() || counts.stream().allMatch(c -> shares.containsKey(c.variant()));
            ExperimentStatistics.Result r = ExperimentStatistics.evaluate(counts, usable ? shares : Map.of());
            return new Experiment(experimentId, r.control(), r.variants(), r.sampleRatio());
        });
    }

    public Uni<Journeys> journeys() {
        return queries.journeys().map(ids -> new Journeys(ids.stream().map(JourneyRef::new).toList()));
    }

    public Uni<Experiments> experiments() {
        return queries.experiments().map(ids -> new Experiments(ids.stream().map(ExperimentRef::new).toList()));
    }

    /** Parses {@code control:50,treatment:50}. */
    public static Map<String, Double> allocation(String value) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (value == null || value.isBlank()) {
            return out;
        }
        for (String part : value.split(",")) {
            String[] kv = part.split(":");
            double w;
            try {
                w = kv.length == 2 ? Double.parseDouble(kv[1].trim()) : Double.NaN;
            } catch (NumberFormatException e) {
                w = Double.NaN;
            }
            if (kv.length != 2 || kv[0].isBlank() || !(w > 0) || Double.isInfinite(w)) {
                throw ApiException.badRequest("invalid_parameter",
                        "'allocation' must look like 'control:50,treatment:50' with positive weights, was '" + value + "'");
            }
            out.put(kv[0].trim(), w);
        }
        return out;
    }

    private Uni<List<String>> stages(String journeyId, List<String> requested) {
        return requireJourney(journeyId).chain(() -> requested == null || requested.isEmpty()
                ? queries.stageOrder(journeyId)
                : Uni.createFrom().item(requested));
    }

    private Uni<Void> requireJourney(String journeyId) {
        return queries.journeyExists(journeyId).map(exists -> {
            if (!exists) {
                throw ApiException.notFound("Journey", journeyId);
            }
            return null;
        });
    }

    /** Splits a comma-separated list; null when empty. */
    public static List<String> list(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static String iso(Double seconds) {
        return seconds == null ? null : Duration.ofMillis(Math.round(seconds * 1000)).toString();
    }
}
