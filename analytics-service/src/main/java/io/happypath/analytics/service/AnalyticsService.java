package io.happypath.analytics.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.happypath.analytics.domain.ExperimentStatistics;
import io.happypath.analytics.domain.Label;
import io.happypath.analytics.domain.Sankey;
import io.happypath.analytics.domain.TimeRange;
import io.happypath.analytics.repository.QueryRepository;
import io.happypath.analytics.repository.QueryRepository.ChannelRow;
import io.happypath.analytics.repository.QueryRepository.StageRow;
import io.happypath.analytics.repository.QueryRepository.StageTotals;
import io.happypath.platform.rest.ApiException;
import io.smallrye.mutiny.Uni;

/** The analytics use cases: funnel, paths, channel effectiveness and experiments. */
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

    /** The funnel of a journey over a range. */
    public record Funnel(String journeyId, String from, String to, List<FunnelStage> stages) {
    }

    /** One channel's effectiveness in one stage; the baseline is the stage's profiles not touched on the channel. */
    public record ChannelEffect(String channel, long touched, long advanced, double rate, long untouched,
            long untouchedAdvanced, Double untouchedRate, Double lift, String baseline) {
    }

    /** Channel effectiveness for one stage. */
    public record StageChannels(String stage, String nextStage, long profiles, long advanced, Double rate,
            List<ChannelEffect> channels) {
    }

    /** Channel effectiveness of a journey. */
    public record Channels(String journeyId, String from, String to, String window, List<StageChannels> stages) {
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

    public AnalyticsService(QueryRepository queries) {
        this.queries = queries;
    }

    /** The funnel over the journey's stages (or {@code stages} in the given order). */
    public Uni<Funnel> funnel(String journeyId, TimeRange range, List<String> stages) {
        return stages(journeyId, stages).chain(order -> {
            List<Uni<StageRow>> rows = new ArrayList<>();
            for (int i = 0; i < order.size(); i++) {
                String next = i + 1 < order.size() ? order.get(i + 1) : null;
                rows.add(queries.funnelStage(journeyId, order.get(i), next, range));
            }
            if (rows.isEmpty()) {
                return Uni.createFrom().item(new Funnel(journeyId, range.from().toString(), range.to().toString(), List.of()));
            }
            return Uni.join().all(rows).andFailFast().map(list -> {
                List<FunnelStage> out = new ArrayList<>();
                for (int i = 0; i < list.size(); i++) {
                    StageRow r = list.get(i);
                    boolean last = i == list.size() - 1;
                    out.add(new FunnelStage(r.stage(), last ? null : order.get(i + 1), r.entered(), r.entries(),
                            last ? null : r.converted(), last || r.entered() == 0 ? null : (double) r.converted() / r.entered(),
                            last ? null : r.medianSeconds(), last ? null : r.p90Seconds(), iso(last ? null : r.medianSeconds()),
                            iso(last ? null : r.p90Seconds())));
                }
                return new Funnel(journeyId, range.from().toString(), range.to().toString(), out);
            });
        });
    }

    /** The Sankey of paths. */
    public Uni<Paths> paths(TimeRange range, Label label, int steps, int top, String startsWith, String journeyId) {
        Uni<Void> check = journeyId == null ? Uni.createFrom().voidItem() : requireJourney(journeyId);
        return check.chain(() -> queries.paths(range, label, steps, startsWith, journeyId)).map(paths -> {
            Sankey s = Sankey.of(paths, steps, top);
            long profiles = paths.stream().mapToLong(Sankey.PathCount::profiles).sum();
            return new Paths(range.from().toString(), range.to().toString(), steps, top, label.wireValue(), startsWith,
                    journeyId, profiles, s.nodes(), s.links());
        });
    }

    /** Channel effectiveness per stage against the stage's untouched profiles. */
    public Uni<Channels> channels(String journeyId, TimeRange range, Duration window) {
        long seconds = window.toSeconds();
        return stages(journeyId, null).chain(order -> {
            List<Uni<StageChannels>> perStage = new ArrayList<>();
            for (int i = 0; i + 1 < order.size(); i++) {
                String stage = order.get(i);
                String next = order.get(i + 1);
                Uni<StageTotals> totals = queries.stageTotals(journeyId, stage, next, range, seconds);
                Uni<List<ChannelRow>> channels = queries.channels(journeyId, stage, next, range, seconds);
                perStage.add(Uni.combine().all().unis(totals, channels).asTuple()
                        .map(t -> stageChannels(stage, next, t.getItem1(), t.getItem2())));
            }
            if (perStage.isEmpty()) {
                return Uni.createFrom().item(new Channels(journeyId, range.from().toString(), range.to().toString(),
                        window.toString(), List.of()));
            }
            return Uni.join().all(perStage).andFailFast().map(list -> new Channels(journeyId, range.from().toString(),
                    range.to().toString(), window.toString(), list));
        });
    }

    static StageChannels stageChannels(String stage, String next, StageTotals totals, List<ChannelRow> rows) {
        List<ChannelEffect> effects = new ArrayList<>();
        for (ChannelRow r : rows) {
            long untouched = totals.profiles() - r.touched();
            long untouchedAdvanced = totals.advanced() - r.advanced();
            double rate = r.touched() == 0 ? 0 : (double) r.advanced() / r.touched();
            Double untouchedRate = untouched == 0 ? null : (double) untouchedAdvanced / untouched;
            effects.add(new ChannelEffect(r.channel(), r.touched(), r.advanced(), rate, untouched, untouchedAdvanced,
                    untouchedRate, untouchedRate == null ? null : rate - untouchedRate, "untouched"));
        }
        return new StageChannels(stage, next, totals.profiles(), totals.advanced(),
                totals.profiles() == 0 ? null : (double) totals.advanced() / totals.profiles(), effects);
    }

    /** Experiment results; 404 when nobody was exposed to it. */
    public Uni<Experiment> experiment(String experimentId, Map<String, Double> allocation) {
        return queries.experiment(experimentId).map(counts -> {
            if (counts.isEmpty()) {
                throw ApiException.notFound("Experiment", experimentId);
            }
            ExperimentStatistics.Result r = ExperimentStatistics.evaluate(counts, allocation);
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
