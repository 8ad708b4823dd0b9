package io.happypath.analytics.repository;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.happypath.analytics.domain.ExperimentStatistics;
import io.happypath.analytics.domain.Label;
import io.happypath.analytics.domain.Sankey;
import io.happypath.analytics.domain.TimeRange;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** The read side: queries over the aggregates (stage entries, exposures) and the path steps. */
@ApplicationScoped
public class QueryRepository {

    /** One funnel stage as stored: entered, converted to the next stage, time to convert in seconds. */
    public record StageRow(String stage, long entered, long entries, long converted, Double medianSeconds,
            Double p90Seconds) {
    }

    /** Channel effectiveness of one channel in one stage. */
    public record ChannelRow(String channel, long touched, long advanced) {
    }

    /** Profiles in a stage and how many advanced within the window. */
    public record StageTotals(long profiles, long advanced) {
    }

    private final Pool pool;

    public QueryRepository(Pool pool) {
        this.pool = pool;
    }

    /** Whether the journey was ever seen on hp.journey.v1. */
    public Uni<Boolean> journeyExists(String journeyId) {
        return pool.preparedQuery("SELECT 1 FROM analytics.journey WHERE journey_id = $1").execute(Tuple.of(journeyId))
                .map(rows -> rows.rowCount() > 0);
    }

    /**
     * The stages of a journey in funnel order: by the average position at which profiles first entered them (ties
     * by the earliest entry), which is the journey's order for profiles on its path.
     */
    public Uni<List<String>> stageOrder(String journeyId) {
        return pool.preparedQuery("SELECT stage FROM (SELECT stage, first_at, "
                + "rank() OVER (PARTITION BY profile_id ORDER BY first_at) AS r FROM analytics.stage_entry WHERE journey_id = $1) x "
                + "GROUP BY stage ORDER BY avg(r), min(first_at), stage")
                .execute(Tuple.of(journeyId))
                .map(rows -> {
                    List<String> stages = new ArrayList<>();
                    rows.forEach(r -> stages.add(r.getString(0)));
                    return stages;
                });
    }

    /**
     * Funnel numbers of {@code stage}: profiles whose first entry falls in the range, those among them who entered
     * {@code next} at or after it (and before the end of the range), and the median and p90 time between.
     */
    public Uni<StageRow> funnelStage(String journeyId, String stage, String next, TimeRange range) {
        return pool.preparedQuery("SELECT count(*), coalesce(sum(e.entries), 0), count(n.profile_id), "
                + "percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM n.first_at - e.first_at)), "
                + "percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM n.first_at - e.first_at)) "
                + "FROM analytics.stage_entry e LEFT JOIN analytics.stage_entry n ON n.journey_id = e.journey_id AND n.stage = $3 "
                + "AND n.profile_id = e.profile_id AND n.first_at >= e.first_at AND n.first_at < $5 "
                + "WHERE e.journey_id = $1 AND e.stage = $2 AND e.first_at >= $4 AND e.first_at < $5")
                .execute(Tuple.of(journeyId, stage, next, time(range.from()), time(range.to())))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    return new StageRow(stage, r.getLong(0), r.getLong(1), r.getLong(2), r.getDouble(3), r.getDouble(4));
                });
    }

    /**
     * The distinct paths of the range with their profile counts: each profile's track/page/screen events in time
     * order, labelled, consecutive equal labels collapsed, anchored on the first {@code startsWith} if given and cut
     * at {@code steps}; optionally only profiles that entered a stage of {@code journeyId}.
     */
    public Uni<List<Sankey.PathCount>> paths(TimeRange range, Label label, int steps, String startsWith, String journeyId) {
        String labelSql = switch (label) {
            case CHANNEL -> "channel";
            case EVENT -> "event";
            case CHANNEL_EVENT -> "channel || '" + Label.SEPARATOR + "' || event";
        };
        String sql = "WITH ev AS (SELECT profile_id, ts, event_id, " + labelSql + " AS label FROM analytics.fact_event "
                + "WHERE ts >= $1 AND ts < $2 AND ($5::text IS NULL OR profile_id IN "
                + "(SELECT profile_id FROM analytics.stage_entry WHERE journey_id = $5))), "
                + "c AS (SELECT profile_id, ts, event_id, label, lag(label) OVER "
                + "(PARTITION BY profile_id ORDER BY ts, event_id) AS prev FROM ev), "
                + "s AS (SELECT profile_id, label, row_number() OVER (PARTITION BY profile_id ORDER BY ts, event_id) AS pos "
                + "FROM c WHERE prev IS NULL OR prev <> label), "
                + "a AS (SELECT profile_id, CASE WHEN $4::text IS NULL THEN 1 ELSE min(pos) FILTER (WHERE label = $4) END AS start "
                + "FROM s GROUP BY profile_id), "
                + "p AS (SELECT s.profile_id, array_agg(s.label ORDER BY s.pos) AS path FROM s JOIN a USING (profile_id) "
                + "WHERE a.start IS NOT NULL AND s.pos >= a.start AND s.pos < a.start + $3 GROUP BY s.profile_id) "
                + "SELECT path, count(*) FROM p GROUP BY path";
        return pool.preparedQuery(sql)
                .execute(Tuple.tuple().addOffsetDateTime(time(range.from())).addOffsetDateTime(time(range.to()))
                        .addInteger(steps).addString(startsWith).addString(journeyId))
                .map(rows -> {
                    List<Sankey.PathCount> paths = new ArrayList<>();
                    rows.forEach(r -> paths.add(new Sankey.PathCount(Arrays.asList(r.getArrayOfStrings(0)), r.getLong(1))));
                    return paths;
                });
    }

    /** Profiles whose first entry into {@code stage} falls in the range, and how many entered {@code next} within the window. */
    public Uni<StageTotals> stageTotals(String journeyId, String stage, String next, TimeRange range, long windowSeconds) {
        return pool
                .preparedQuery(
                        "SELECT count(*), count(n.profile_id) FROM analytics.stage_entry e LEFT JOIN analytics.stage_entry n "
                                + "ON n.journey_id = e.journey_id AND n.stage = $3 AND n.profile_id = e.profile_id "
                                + "AND n.first_at >= e.first_at AND n.first_at <= e.first_at + make_interval(secs => $6) "
                                + "WHERE e.journey_id = $1 AND e.stage = $2 AND e.first_at >= $4 AND e.first_at < $5")
                .execute(Tuple.of(journeyId, stage, next, time(range.from()), time(range.to()))
                        .addDouble((double) windowSeconds))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    return new StageTotals(r.getLong(0), r.getLong(1));
                });
    }

    /**
     * Per channel: the profiles of {@code stage} touched on it between entering the stage and leaving it for
     * {@code next} (or the end of the window), and how many of those advanced to {@code next} within the window.
     */
    public Uni<List<ChannelRow>> channels(String journeyId, String stage, String next, TimeRange range, long windowSeconds) {
        return pool.preparedQuery("WITH st AS (SELECT e.profile_id, e.first_at, n.first_at AS next_at, "
                + "(n.first_at IS NOT NULL) AS advanced FROM analytics.stage_entry e LEFT JOIN analytics.stage_entry n "
                + "ON n.journey_id = e.journey_id AND n.stage = $3 AND n.profile_id = e.profile_id "
                + "AND n.first_at >= e.first_at AND n.first_at <= e.first_at + make_interval(secs => $6) "
                + "WHERE e.journey_id = $1 AND e.stage = $2 AND e.first_at >= $4 AND e.first_at < $5), "
                + "t AS (SELECT DISTINCT st.profile_id, st.advanced, f.channel FROM st JOIN analytics.fact_event f "
                + "ON f.profile_id = st.profile_id AND f.ts >= st.first_at "
                + "AND f.ts < coalesce(st.next_at, st.first_at + make_interval(secs => $6))) "
                + "SELECT channel, count(*), count(*) FILTER (WHERE advanced) FROM t GROUP BY channel ORDER BY channel")
                .execute(Tuple.of(journeyId, stage, next, time(range.from()), time(range.to()))
                        .addDouble((double) windowSeconds))
                .map(rows -> {
                    List<ChannelRow> out = new ArrayList<>();
                    rows.forEach(r -> out.add(new ChannelRow(r.getString(0), r.getLong(1), r.getLong(2))));
                    return out;
                });
    }

    /** Exposed and converted profiles per variant of an experiment; empty when nobody was exposed. */
    public Uni<List<ExperimentStatistics.Counts>> experiment(String experimentId) {
        return pool.preparedQuery("SELECT x.variant, count(*), count(c.profile_id) FROM analytics.experiment_exposure x "
                + "LEFT JOIN analytics.experiment_conversion c ON c.experiment_id = x.experiment_id AND c.profile_id = x.profile_id "
                + "WHERE x.experiment_id = $1 GROUP BY x.variant ORDER BY x.variant")
                .execute(Tuple.of(experimentId))
                .map(rows -> {
                    List<ExperimentStatistics.Counts> out = new ArrayList<>();
                    rows.forEach(r -> out.add(new ExperimentStatistics.Counts(r.getString(0), r.getLong(1), r.getLong(2))));
                    return out;
                });
    }

    /** The journeys seen on hp.journey.v1, by id. */
    public Uni<List<String>> journeys() {
        return pool.query("SELECT journey_id FROM analytics.journey ORDER BY journey_id LIMIT 1000").execute().map(rows -> {
            List<String> out = new ArrayList<>();
            rows.forEach(r -> out.add(r.getString(0)));
            return out;
        });
    }

    /** The experiments with exposures, most recent first. */
    public Uni<List<String>> experiments() {
        return pool.query("SELECT experiment_id FROM analytics.experiment_exposure GROUP BY experiment_id "
                + "ORDER BY max(first_at) DESC LIMIT 1000").execute().map(rows -> {
                    List<String> out = new ArrayList<>();
                    rows.forEach(r -> out.add(r.getString(0)));
                    return out;
                });
    }

    private static OffsetDateTime time(java.time.Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
