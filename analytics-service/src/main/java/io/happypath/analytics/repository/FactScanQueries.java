package io.happypath.analytics.repository;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.happypath.analytics.domain.Label;
import io.happypath.analytics.domain.Sankey;
import io.happypath.analytics.domain.TimeRange;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The naive way: the funnel and the Sankey computed by scanning the raw facts with window functions, with exactly
 * the definitions the aggregates implement. Not served by the API; kept as the baseline the benchmark measures the
 * aggregates against, and as an independent check of them in the tests.
 */
@ApplicationScoped
public class FactScanQueries {

    /** One funnel stage: entered, all entries, converted to the next stage, time to convert in seconds. */
    public record StageRow(long entered, long entries, long converted, Double medianSeconds, Double p90Seconds) {
    }

    private final Pool pool;

    public FactScanQueries(Pool pool) {
        this.pool = pool;
    }

    /** The stages of a journey by the average rank of their first entries, from the raw journey facts. */
    public Uni<List<String>> stageOrder(String journeyId) {
        return pool.preparedQuery("WITH f AS (SELECT stage, profile_id, min(at) AS first_at FROM analytics.fact_journey "
                + "WHERE journey_id = $1 AND type = 'stage.entered' GROUP BY stage, profile_id) "
                + "SELECT stage FROM (SELECT stage, first_at, rank() OVER (PARTITION BY profile_id ORDER BY first_at) AS r FROM f) x "
                + "GROUP BY stage ORDER BY avg(r), min(first_at), stage")
                .execute(Tuple.of(journeyId)).map(rows -> {
                    List<String> out = new ArrayList<>();
                    rows.forEach(r -> out.add(r.getString(0)));
                    return out;
                });
    }

    /**
     * A funnel stage from the raw journey facts: first entries in the range, then entries into {@code next}, with the
     * time to convert at the resolution of the funnel ({@code seconds_bucket}).
     */
    public Uni<StageRow> funnelStage(String journeyId, String stage, String next, TimeRange range) {
        return pool.preparedQuery("SELECT count(*), coalesce(sum(e.entries), 0), count(n.profile_id), "
                + "percentile_cont(0.5) WITHIN GROUP (ORDER BY analytics.seconds_bucket(extract(epoch FROM n.first_at - e.first_at))), "
                + "percentile_cont(0.9) WITHIN GROUP (ORDER BY analytics.seconds_bucket(extract(epoch FROM n.first_at - e.first_at))) "
                + "FROM (SELECT profile_id, min(at) AS first_at, count(*) AS entries FROM analytics.fact_journey "
                + "WHERE journey_id = $1 AND type = 'stage.entered' AND stage = $2 GROUP BY profile_id) e "
                + "LEFT JOIN (SELECT profile_id, min(at) AS first_at FROM analytics.fact_journey "
                + "WHERE journey_id = $1 AND type = 'stage.entered' AND stage = $3 GROUP BY profile_id) n "
                + "ON n.profile_id = e.profile_id AND n.first_at >= e.first_at "
                + "WHERE e.first_at >= $4 AND e.first_at < $5")
                .execute(Tuple.of(journeyId, stage, next, time(range.from()), time(range.to())))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    return new StageRow(r.getLong(0), r.getLong(1), r.getLong(2), r.getDouble(3), r.getDouble(4));
                });
    }

    /**
     * The distinct Sankey paths from the raw path facts: each profile's steps in {@code (ts, event_id)} order,
     * labelled, consecutive equal labels collapsed, started at the first step (or the first {@code startsWith}) and
     * cut at {@code steps}; kept when that start falls in the range; optionally only profiles that entered a stage of
     * {@code journeyId}.
     */
    public Uni<List<Sankey.PathCount>> paths(TimeRange range, Label label, int steps, String startsWith, String journeyId) {
        String labelSql = switch (label) {
            case CHANNEL -> "channel";
            case EVENT -> "event";
            case CHANNEL_EVENT -> "channel || '" + Label.SEPARATOR + "' || event";
        };
        String sql = "WITH ev AS (SELECT profile_id, ts, event_id, " + labelSql + " AS label FROM analytics.fact_event "
                + "WHERE $5::text IS NULL OR profile_id IN (SELECT profile_id FROM analytics.fact_journey "
                + "WHERE journey_id = $5 AND type = 'stage.entered')), "
                + "c AS (SELECT profile_id, ts, event_id, label, lag(label) OVER (PARTITION BY profile_id "
                + "ORDER BY ts, event_id COLLATE \"C\") AS prev FROM ev), "
                + "s AS (SELECT profile_id, label, ts, row_number() OVER (PARTITION BY profile_id "
                + "ORDER BY ts, event_id COLLATE \"C\") AS pos FROM c WHERE prev IS NULL OR prev <> label), "
                + "a AS (SELECT profile_id, CASE WHEN $4::text IS NULL THEN 1 ELSE min(pos) FILTER (WHERE label = $4) END AS start "
                + "FROM s GROUP BY profile_id), "
                + "p AS (SELECT s.profile_id, array_agg(s.label ORDER BY s.pos) AS path, "
                + "min(s.ts) FILTER (WHERE s.pos = a.start) AS start_at FROM s JOIN a USING (profile_id) "
                + "WHERE a.start IS NOT NULL AND s.pos >= a.start AND s.pos < a.start + $3 GROUP BY s.profile_id) "
                + "SELECT path, count(*) FROM p WHERE start_at >= $1 AND start_at < $2 GROUP BY path";
        return pool.preparedQuery(sql)
                .execute(Tuple.tuple().addOffsetDateTime(time(range.from())).addOffsetDateTime(time(range.to()))
                        .addInteger(steps).addString(startsWith).addString(journeyId))
                .map(rows -> {
                    List<Sankey.PathCount> paths = new ArrayList<>();
                    rows.forEach(r -> paths.add(new Sankey.PathCount(Arrays.asList(r.getArrayOfStrings(0)), r.getLong(1))));
                    return paths;
                });
    }

    private static OffsetDateTime time(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
