package io.happypath.analytics.repository;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.happypath.analytics.domain.Breakdown;
import io.happypath.analytics.domain.DecisionPerformance;
import io.happypath.analytics.domain.ExperimentStatistics;
import io.happypath.analytics.domain.Label;
import io.happypath.analytics.domain.PathAggregate;
import io.happypath.analytics.domain.PathRuns;
import io.happypath.analytics.domain.Sankey;
import io.happypath.analytics.domain.TimeRange;
import io.happypath.analytics.domain.TimeToConvert;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The read side: queries over the aggregates (stage entries and conversions, path counts and per-profile paths,
 * exposures) that never scan the raw facts, plus the decision facts read by time.
 */
@ApplicationScoped
public class QueryRepository {

    /** Profiles of one breakdown group that entered a stage in the range, and all their entries into it. */
    public record EnteredRow(String group, long entered, long entries) {
    }

    /** Channel effectiveness of one channel in one stage. */
    public record ChannelRow(String channel, long touched, long advanced) {
    }

    /** Profiles in a stage and how many advanced within the window. */
    public record StageTotals(long profiles, long advanced) {
    }

    /** The condition on profile_path {@code p} that its profile entered the journey {@code $n}, if one is given. */
    private static final String ENTERED_JOURNEY = "($%1$d::text IS NULL OR EXISTS (SELECT 1 FROM analytics.journey_profile j "
            + "WHERE j.journey_id = $%1$d AND j.profile_id = p.profile_id))";

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
     * by the earliest entry), which is the journey's order for profiles on its path. Read from the per-stage rank
     * sums kept at ingest.
     */
    public Uni<List<String>> stageOrder(String journeyId) {
        return pool
                .preparedQuery("SELECT js.stage FROM analytics.journey_stage js WHERE js.journey_id = $1 AND js.profiles > 0 "
                        + "ORDER BY js.rank_sum::numeric / js.profiles, (SELECT min(e.first_at) FROM analytics.stage_entry e "
                        + "WHERE e.journey_id = js.journey_id AND e.stage = js.stage), js.stage")
                .execute(Tuple.of(journeyId))
                .map(rows -> {
                    List<String> stages = new ArrayList<>();
                    rows.forEach(r -> stages.add(r.getString(0)));
                    return stages;
                });
    }

    /**
     * The SQL of a profile's breakdown group, joined to rows aliased {@code x} with a {@code profile_id}, as of the
     * end of the range ({@code $4}).
     */
    private static String groupJoin(Breakdown breakdown) {
        return switch (breakdown) {
            case NONE -> "";
            case FIRST_CHANNEL -> " LEFT JOIN analytics.profile_path g ON g.profile_id = x.profile_id";
            // Membership at the end of the range: the last change of each segment before it says whether the profile is in.
            case SEGMENT -> " LEFT JOIN LATERAL (SELECT s.segment_id FROM (SELECT DISTINCT ON (segment_id) segment_id, entered "
                    + "FROM analytics.fact_segment WHERE profile_id = x.profile_id AND at < $4 "
                    + "ORDER BY segment_id, at DESC, event_id DESC) s WHERE s.entered) g ON true";
        };
    }

    private static String groupValue(Breakdown breakdown) {
        return switch (breakdown) {
            case NONE -> "''";
            case FIRST_CHANNEL -> "coalesce(g.first_channel, '" + Breakdown.NO_VALUE + "')";
            case SEGMENT -> "coalesce(g.segment_id, '" + Breakdown.NO_VALUE + "')";
        };
    }

    /**
     * Per breakdown group: profiles whose first entry into {@code stage} falls in the range, and all their entries.
     * Without a breakdown, the whole days of the range are summed from {@code stage_day} and only the partial days at
     * its ends are counted from the per-profile rows.
     */
    public Uni<List<EnteredRow>> entered(String journeyId, String stage, TimeRange range, Breakdown breakdown) {
        Uni<RowSet<Row>> rows;
        if (breakdown == Breakdown.NONE) {
            rows = pool.preparedQuery("SELECT '' AS grp, coalesce(sum(n), 0), coalesce(sum(e), 0) FROM ("
                    + "SELECT profiles AS n, entries AS e FROM analytics.stage_day "
                    + "WHERE journey_id = $1 AND stage = $2 AND day >= $3 AND day < $4 UNION ALL "
                    + "SELECT 1, entries FROM analytics.stage_entry WHERE journey_id = $1 AND stage = $2 AND "
                    + "((first_at >= $5 AND first_at < $6) OR (first_at >= $7 AND first_at < $8))) x")
                    .execute(dayRanges(Tuple.of(journeyId, stage), range));
        } else {
            rows = pool.preparedQuery("SELECT " + groupValue(breakdown) + " AS grp, count(*), sum(x.entries) "
                    + "FROM analytics.stage_entry x" + groupJoin(breakdown)
                    + " WHERE x.journey_id = $1 AND x.stage = $2 AND x.first_at >= $3 AND x.first_at < $4 GROUP BY grp")
                    .execute(Tuple.of(journeyId, stage, time(range.from()), time(range.to())));
        }
        return rows.map(rs -> {
            List<EnteredRow> out = new ArrayList<>();
            rs.forEach(r -> out.add(new EnteredRow(r.getString(0), r.getLong(1), r.getLong(2))));
            return out;
        });
    }

    /**
     * Per breakdown group: of the profiles whose first entry into {@code stage} falls in the range, the time each of
     * those who then entered {@code next} took (at any later time: the range picks who entered, not when they
     * converted). Without a breakdown, from {@code conversion_day} for the whole days and the per-profile rows for
     * the partial days at the ends.
     */
    public Uni<Map<String, TimeToConvert>> converted(String journeyId, String stage, String next, TimeRange range,
            Breakdown breakdown) {
        String bucket = "analytics.seconds_bucket(extract(epoch FROM x.converted_at - x.entered_at))";
        Uni<RowSet<Row>> rows;
        if (breakdown == Breakdown.NONE) {
            rows = pool.preparedQuery("SELECT '' AS grp, seconds, sum(n) FROM ("
                    + "SELECT seconds, profiles AS n FROM analytics.conversion_day "
                    + "WHERE journey_id = $1 AND stage = $2 AND next_stage = $9 AND day >= $3 AND day < $4 UNION ALL "
                    + "SELECT " + bucket + ", 1 FROM analytics.stage_conversion x "
                    + "WHERE x.journey_id = $1 AND x.stage = $2 AND x.next_stage = $9 AND "
                    + "((x.entered_at >= $5 AND x.entered_at < $6) OR (x.entered_at >= $7 AND x.entered_at < $8))) d "
                    + "GROUP BY seconds")
                    .execute(dayRanges(Tuple.of(journeyId, stage), range).addString(next));
        } else {
            rows = pool.preparedQuery("SELECT " + groupValue(breakdown) + " AS grp, " + bucket + " AS seconds, count(*) "
                    + "FROM analytics.stage_conversion x" + groupJoin(breakdown)
                    + " WHERE x.journey_id = $1 AND x.stage = $2 AND x.entered_at >= $3 AND x.entered_at < $4 "
                    + "AND x.next_stage = $5 GROUP BY grp, seconds")
                    .execute(Tuple.of(journeyId, stage, time(range.from()), time(range.to()), next));
        }
        return rows.map(rs -> {
            Map<String, TimeToConvert> out = new HashMap<>();
            rs.forEach(r -> out.computeIfAbsent(r.getString(0), g -> new TimeToConvert()).add(r.getLong(1), r.getLong(2)));
            return out;
        });
    }

    /**
     * {@code tuple} followed by the range split for the per-day counts: the whole days ({@code day >= $n AND day <
     * $n+1}), then the partial day at the start and the one at the end as instant ranges (all of the range, and an
     * empty one, when it holds no whole day).
     */
    private static Tuple dayRanges(Tuple tuple, TimeRange range) {
        TimeRange.WholeDays days = range.wholeDays();
        Instant headTo = days.isEmpty() ? range.to() : days.from();
        Instant tailFrom = days.isEmpty() ? range.to() : days.to();
        return tuple.addLocalDate(days.firstDay()).addLocalDate(days.endDay())
                .addOffsetDateTime(time(range.from())).addOffsetDateTime(time(headTo))
                .addOffsetDateTime(time(tailFrom)).addOffsetDateTime(time(range.to()));
    }

    /**
     * The Sankey counts of paths that started on the days {@code [fromDay, toDay)}, summed from the stored node and
     * link counts ({@code journeyId} null: all profiles).
     */
    public Uni<Sankey.Counts> pathCounts(String journeyId, Label label, LocalDate fromDay, LocalDate toDay, int steps) {
        Tuple t = Tuple.tuple().addString(journeyId == null ? PathAggregate.ALL : journeyId).addString(label.wireValue())
                .addLocalDate(fromDay).addLocalDate(toDay).addInteger(steps);
        Uni<Sankey.Counts> nodes = pool.preparedQuery("SELECT pos, label, sum(profiles) FROM analytics.path_node "
                + "WHERE journey_id = $1 AND label_kind = $2 AND day >= $3 AND day < $4 AND pos < $5 GROUP BY pos, label")
                .execute(t).map(rows -> {
                    Sankey.Counts counts = new Sankey.Counts();
                    rows.forEach(r -> counts.addNode(r.getInteger(0), r.getString(1), r.getLong(2)));
                    return counts;
                });
        Uni<Sankey.Counts> links = pool.preparedQuery("SELECT pos, source, target, sum(profiles) FROM analytics.path_link "
                + "WHERE journey_id = $1 AND label_kind = $2 AND day >= $3 AND day < $4 AND pos < $5 - 1 "
                + "GROUP BY pos, source, target")
                .execute(t).map(rows -> {
                    Sankey.Counts counts = new Sankey.Counts();
                    rows.forEach(r -> counts.addLink(r.getInteger(0), r.getString(1), r.getString(2), r.getLong(3)));
                    return counts;
                });
        return Uni.combine().all().unis(nodes, links).asTuple().map(x -> x.getItem1().addAll(x.getItem2()));
    }

    /**
     * The runs (without their times) of the stored paths that started in {@code [from, to)}, optionally only of
     * profiles that entered {@code journeyId}.
     */
    public Uni<List<PathRuns.Names>> pathsStartedIn(Instant from, Instant to, String journeyId) {
        return pool.preparedQuery("SELECT channels, events FROM analytics.profile_path p "
                + "WHERE p.start_at >= $1 AND p.start_at < $2 AND " + ENTERED_JOURNEY.formatted(3))
                .execute(Tuple.tuple().addOffsetDateTime(time(from)).addOffsetDateTime(time(to)).addString(journeyId))
                .map(rows -> {
                    List<PathRuns.Names> out = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        out.add(new PathRuns.Names(List.of(r.getArrayOfStrings(0)), List.of(r.getArrayOfStrings(1))));
                    }
                    return out;
                });
    }

    /**
     * The stored paths that started before {@code to} and whose last step is at or after {@code from}, optionally
     * only of profiles that entered {@code journeyId}.
     */
    public Uni<List<PathRuns>> pathsActiveIn(Instant from, Instant to, String journeyId) {
        return pool.preparedQuery("SELECT channels, events, run_at FROM analytics.profile_path p "
                + "WHERE p.start_at < $1 AND p.last_at >= $2 AND " + ENTERED_JOURNEY.formatted(3))
                .execute(Tuple.tuple().addOffsetDateTime(time(to)).addOffsetDateTime(time(from)).addString(journeyId))
                .map(rows -> {
                    List<PathRuns> out = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        OffsetDateTime[] at = r.getArrayOfOffsetDateTimes(2);
                        List<Instant> times = new ArrayList<>(at.length);
                        for (OffsetDateTime t : at) {
                            times.add(t.toInstant());
                        }
                        out.add(new PathRuns(List.of(r.getArrayOfStrings(0)), List.of(r.getArrayOfStrings(1)), times));
                    }
                    return out;
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

    /**
     * Profiles of {@code stage} (first entry in the range) exposed to {@code variant} of {@code experimentId}, and how
     * many of them advanced to {@code next} within the window.
     */
    public Uni<StageTotals> holdoutTotals(String journeyId, String stage, String next, TimeRange range,
            long windowSeconds, String experimentId, String variant) {
        return pool.preparedQuery("SELECT count(*), count(n.profile_id) FROM analytics.stage_entry e "
                + "JOIN analytics.experiment_exposure x ON x.profile_id = e.profile_id AND x.experiment_id = $7 AND x.variant = $8 "
                + "LEFT JOIN analytics.stage_entry n ON n.journey_id = e.journey_id AND n.stage = $3 AND n.profile_id = e.profile_id "
                + "AND n.first_at >= e.first_at AND n.first_at <= e.first_at + make_interval(secs => $6) "
                + "WHERE e.journey_id = $1 AND e.stage = $2 AND e.first_at >= $4 AND e.first_at < $5")
                .execute(Tuple.of(journeyId, stage, next, time(range.from()), time(range.to()))
                        .addDouble((double) windowSeconds).addString(experimentId).addString(variant))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    return new StageTotals(r.getLong(0), r.getLong(1));
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

    /** The share of each variant of an experiment, as the decision log last stated it. */
    public Uni<Map<String, Double>> allocation(String experimentId) {
        return pool.preparedQuery("SELECT variant, share FROM analytics.experiment_allocation WHERE experiment_id = $1")
                .execute(Tuple.of(experimentId))
                .map(rows -> {
                    Map<String, Double> out = new LinkedHashMap<>();
                    rows.forEach(r -> out.put(r.getString(0), r.getDouble(1)));
                    return out;
                });
    }

    /**
     * For the decisions made in the range: per action, the decisions that showed it ({@code outcome} null) and the
     * distinct decisions with each outcome of it (whenever the outcome was reported).
     */
    public Uni<List<DecisionPerformance.ActionCount>> actionCounts(TimeRange range) {
        return pool.preparedQuery(
                "WITH d AS (SELECT decision_id, actions FROM analytics.fact_decision WHERE at >= $1 AND at < $2) "
                        + "SELECT a, NULL, count(*) FROM d, unnest(d.actions) a GROUP BY a "
                        + "UNION ALL SELECT o.action_id, o.outcome, count(DISTINCT o.decision_id) FROM analytics.fact_outcome o "
                        + "JOIN d ON d.decision_id = o.decision_id GROUP BY o.action_id, o.outcome")
                .execute(Tuple.of(time(range.from()), time(range.to())))
                .map(rows -> {
                    List<DecisionPerformance.ActionCount> out = new ArrayList<>();
                    rows.forEach(
                            r -> out.add(new DecisionPerformance.ActionCount(r.getString(0), r.getString(1), r.getLong(2))));
                    return out;
                });
    }

    /** For the decisions made in the range: suppressions per action and kind of reason. */
    public Uni<List<DecisionPerformance.SuppressionCount>> suppressionCounts(TimeRange range) {
        return pool.preparedQuery("SELECT action_id, kind, count(*) FROM analytics.fact_suppression "
                + "WHERE at >= $1 AND at < $2 GROUP BY action_id, kind")
                .execute(Tuple.of(time(range.from()), time(range.to())))
                .map(rows -> {
                    List<DecisionPerformance.SuppressionCount> out = new ArrayList<>();
                    rows.forEach(r -> out
                            .add(new DecisionPerformance.SuppressionCount(r.getString(0), r.getString(1), r.getLong(2))));
                    return out;
                });
    }

    /** How many decisions were made in the range. */
    public Uni<Long> decisionCount(TimeRange range) {
        return pool.preparedQuery("SELECT count(*) FROM analytics.fact_decision WHERE at >= $1 AND at < $2")
                .execute(Tuple.of(time(range.from()), time(range.to()))).map(rows -> rows.iterator().next().getLong(0));
    }

    /** Whether anybody was exposed to the experiment. */
    public Uni<Boolean> experimentExists(String experimentId) {
        return pool.preparedQuery("SELECT 1 FROM analytics.experiment_exposure WHERE experiment_id = $1 LIMIT 1")
                .execute(Tuple.of(experimentId)).map(rows -> rows.rowCount() > 0);
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

    private static OffsetDateTime time(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
