package io.happypath.analytics.repository;

import static io.happypath.analytics.repository.ProfileLocks.lockErasure;
import static io.happypath.analytics.repository.ProfileLocks.lockExclusive;
import static io.happypath.analytics.repository.ProfileLocks.lockShared;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;

import io.happypath.analytics.domain.Facts;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Writes facts and maintains the aggregates in the same transaction, one set-based statement per kind of fact.
 * Every write is idempotent by CloudEvent id (path steps: by CloudEvent id and time, the key of the monthly partitions;
 * a redelivery carries both) or by construction (first entry / first exposure wins), so a redelivered batch changes
 * nothing. Facts of a merged profile are written under its survivor; facts of an erased profile are dropped. The
 * per-profile aggregates are kept by {@link AggregateWriter}.
 */
@ApplicationScoped
public class FactRepository {

    /** The profile a fact belongs to now: the survivor if the id was merged away. */
    private static final String CURRENT = "coalesce((SELECT survivor_id FROM analytics.profile_alias WHERE merged_id = $%d), $%d)";
    private static final String NOT_ERASED = "NOT EXISTS (SELECT 1 FROM analytics.erased_profile WHERE profile_id = $%d)";

    /** Per profile id of a batch: the profile it belongs to now (null when erased). */
    private static final String RESOLVE = "SELECT i.p, CASE WHEN EXISTS (SELECT 1 FROM analytics.erased_profile e "
            + "WHERE e.profile_id = i.p) THEN NULL ELSE coalesce(a.survivor_id, i.p) END "
            + "FROM unnest($1::text[]) AS i(p) LEFT JOIN analytics.profile_alias a ON a.merged_id = i.p";

    private static final String INSERT_STEPS = "INSERT INTO analytics.fact_event (event_id, profile_id, ts, channel, event) "
            + "SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[]) "
            + "ON CONFLICT (event_id, ts) DO NOTHING RETURNING event_id, profile_id, ts, channel, event";

    private static final String INSERT_JOURNEY = "WITH i AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], "
            + "$4::text[], $5::text[], $6::text[], $7::timestamptz[]) AS i(event_id, type, profile_id, journey_id, stage, "
            + "channel, at)), "
            + "j AS (INSERT INTO analytics.journey (journey_id, first_seen) SELECT journey_id, min(at) FROM i "
            + "GROUP BY journey_id ON CONFLICT (journey_id) DO NOTHING), "
            + "f AS (INSERT INTO analytics.fact_journey (event_id, type, profile_id, journey_id, stage, channel, at) "
            + "SELECT * FROM i ON CONFLICT (event_id) DO NOTHING RETURNING type, profile_id, journey_id, stage, channel, at) "
            + "INSERT INTO analytics.stage_entry AS s (journey_id, stage, profile_id, first_at, channel, entries) "
            + "SELECT journey_id, stage, profile_id, min(at), (array_agg(channel ORDER BY at))[1], count(*) FROM f "
            + "WHERE type = 'stage.entered' GROUP BY journey_id, stage, profile_id "
            + "ON CONFLICT (journey_id, stage, profile_id) DO UPDATE SET "
            + "channel = CASE WHEN excluded.first_at < s.first_at THEN excluded.channel ELSE s.channel END, "
            + "first_at = least(s.first_at, excluded.first_at), entries = s.entries + excluded.entries";

    private static final String INSERT_SEGMENTS = "INSERT INTO analytics.fact_segment (event_id, profile_id, segment_id, "
            + "entered, at) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bool[], $5::timestamptz[]) "
            + "ON CONFLICT (event_id) DO NOTHING";

    private static final String INSERT_DECISION = "WITH d AS (INSERT INTO analytics.fact_decision "
            + "(decision_id, event_id, profile_id, channel, experiment_id, variant, actions, at) "
            + "SELECT $2, $1, CASE WHEN $3::text IS NULL THEN NULL ELSE " + CURRENT.formatted(3, 3) + " END, "
            + "$4, $5, $6, $7, $8 WHERE $3::text IS NULL OR " + NOT_ERASED.formatted(3)
            + " ON CONFLICT DO NOTHING RETURNING decision_id, profile_id, experiment_id, variant, at), "
            + "e AS (INSERT INTO analytics.experiment_exposure (experiment_id, profile_id, variant, first_at) "
            + "SELECT experiment_id, profile_id, variant, at FROM d WHERE experiment_id IS NOT NULL AND profile_id IS NOT NULL "
            + "ON CONFLICT (experiment_id, profile_id) DO UPDATE SET first_at = least(experiment_exposure.first_at, excluded.first_at)) "
            // An outcome may have arrived before its decision (it does when the decision had no profile key).
            + "INSERT INTO analytics.experiment_conversion (experiment_id, profile_id, first_at) "
            + "SELECT d.experiment_id, d.profile_id, min(o.at) FROM d JOIN analytics.fact_outcome o ON o.decision_id = d.decision_id "
            + "WHERE o.outcome = 'converted' AND d.experiment_id IS NOT NULL AND d.profile_id IS NOT NULL "
            + "GROUP BY d.experiment_id, d.profile_id "
            + "ON CONFLICT (experiment_id, profile_id) DO UPDATE SET first_at = least(experiment_conversion.first_at, excluded.first_at)";

    /** The newest share stated for a variant wins. */
    private static final String UPSERT_ALLOCATION = "INSERT INTO analytics.experiment_allocation AS a "
            + "(experiment_id, variant, share, at) VALUES ($1, $2, $3, $4) ON CONFLICT (experiment_id, variant) "
            + "DO UPDATE SET share = excluded.share, at = excluded.at WHERE excluded.at >= a.at";

    private static final String INSERT_SUPPRESSION = "INSERT INTO analytics.fact_suppression "
            + "(decision_id, action_id, reason, kind, at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING";

    private static final String INSERT_OUTCOME = "WITH o AS (INSERT INTO analytics.fact_outcome "
            + "(event_id, decision_id, profile_id, action_id, outcome, at) "
            + "SELECT $1, $2, CASE WHEN $3::text IS NULL THEN NULL ELSE " + CURRENT.formatted(3, 3) + " END, $4, $5, $6 "
            + "WHERE $3::text IS NULL OR " + NOT_ERASED.formatted(3)
            + " ON CONFLICT (event_id) DO NOTHING RETURNING decision_id, outcome, at) "
            + "INSERT INTO analytics.experiment_conversion (experiment_id, profile_id, first_at) "
            + "SELECT d.experiment_id, d.profile_id, o.at FROM o JOIN analytics.fact_decision d ON d.decision_id = o.decision_id "
            + "WHERE o.outcome = 'converted' AND d.experiment_id IS NOT NULL AND d.profile_id IS NOT NULL "
            + "ON CONFLICT (experiment_id, profile_id) DO UPDATE SET first_at = least(experiment_conversion.first_at, excluded.first_at)";

    private final Pool pool;
    private final AggregateWriter aggregates;
    private final EventPartitions partitions;

    public FactRepository(Pool pool, AggregateWriter aggregates, EventPartitions partitions) {
        this.pool = pool;
        this.aggregates = aggregates;
        this.partitions = partitions;
    }

    /** Writes path steps and adds the new ones to their profiles' paths and the path counts. */
    public Uni<Void> steps(List<Facts.Step> steps) {
        if (steps.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<String> ids = steps.stream().map(Facts.Step::profileId).toList();
        return partitions.ensure(steps.stream().map(Facts.Step::ts).toList())
                .chain(() -> pool.withTransaction(c -> lockShared(c, ids).chain(() -> resolve(c, ids)).chain(current -> {
                    List<Facts.Step> kept = new ArrayList<>();
                    for (Facts.Step s : steps) {
                        String p = current.get(s.profileId());
                        if (p != null) {
                            kept.add(new Facts.Step(s.eventId(), p, s.ts(), s.channel(), s.event()));
                        }
                    }
                    if (kept.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    Tuple t = Tuple.tuple().addArrayOfString(kept.stream().map(Facts.Step::eventId).toArray(String[]::new))
                            .addArrayOfString(kept.stream().map(Facts.Step::profileId).toArray(String[]::new))
                            .addArrayOfOffsetDateTime(kept.stream().map(x -> time(x.ts())).toArray(OffsetDateTime[]::new))
                            .addArrayOfString(kept.stream().map(Facts.Step::channel).toArray(String[]::new))
                            .addArrayOfString(kept.stream().map(Facts.Step::event).toArray(String[]::new));
                    return c.preparedQuery(INSERT_STEPS).execute(t).chain(rows -> {
                        // Only the steps stored now (not the redelivered ones), with the times as stored (microseconds).
                        List<Facts.Step> inserted = new ArrayList<>();
                        for (Row r : rows) {
                            inserted.add(new Facts.Step(r.getString(0), r.getString(1), r.getOffsetDateTime(2).toInstant(),
                                    r.getString(3), r.getString(4)));
                        }
                        return aggregates.addSteps(c, inserted);
                    });
                })));
    }

    /**
     * Writes journey facts and segment changes, maintains the stage entries, and brings the journey aggregates (and
     * the per-journey path counts of profiles entering a journey for the first time) up to date.
     */
    public Uni<Void> journeyFacts(List<Facts.JourneyFact> facts, List<Facts.SegmentChange> segments) {
        if (facts.isEmpty() && segments.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<String> ids = new ArrayList<>();
        facts.forEach(f -> ids.add(f.profileId()));
        segments.forEach(s -> ids.add(s.profileId()));
        return pool.withTransaction(c -> lockShared(c, ids).chain(() -> resolve(c, ids)).chain(current -> {
            List<Facts.JourneyFact> kept = new ArrayList<>();
            for (Facts.JourneyFact f : facts) {
                String p = current.get(f.profileId());
                if (p != null) {
                    kept.add(new Facts.JourneyFact(f.eventId(), f.type(), p, f.journeyId(), f.stage(), f.channel(), f.at()));
                }
            }
            List<Facts.SegmentChange> keptSegments = new ArrayList<>();
            for (Facts.SegmentChange s : segments) {
                String p = current.get(s.profileId());
                if (p != null) {
                    keptSegments.add(new Facts.SegmentChange(s.eventId(), p, s.segmentId(), s.entered(), s.at()));
                }
            }
            Set<String> entering = new TreeSet<>();
            kept.stream().filter(f -> STAGE_ENTERED.equals(f.type())).forEach(f -> entering.add(f.profileId()));
            return aggregates.around(c, entering,
                    () -> insertJourneyFacts(c, kept).chain(() -> insertSegments(c, keptSegments)), false);
        }));
    }

    /** The short type of stage entries in {@code fact_journey}. */
    static final String STAGE_ENTERED = "stage.entered";

    private static Uni<Void> insertJourneyFacts(SqlConnection c, List<Facts.JourneyFact> facts) {
        if (facts.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Tuple t = Tuple.tuple()
                .addArrayOfString(facts.stream().map(Facts.JourneyFact::eventId).toArray(String[]::new))
                .addArrayOfString(facts.stream().map(Facts.JourneyFact::type).toArray(String[]::new))
                .addArrayOfString(facts.stream().map(Facts.JourneyFact::profileId).toArray(String[]::new))
                .addArrayOfString(facts.stream().map(Facts.JourneyFact::journeyId).toArray(String[]::new))
                .addArrayOfString(facts.stream().map(Facts.JourneyFact::stage).toArray(String[]::new))
                .addArrayOfString(facts.stream().map(Facts.JourneyFact::channel).toArray(String[]::new))
                .addArrayOfOffsetDateTime(facts.stream().map(f -> time(f.at())).toArray(OffsetDateTime[]::new));
        return c.preparedQuery(INSERT_JOURNEY).execute(t).replaceWithVoid();
    }

    private static Uni<Void> insertSegments(SqlConnection c, List<Facts.SegmentChange> segments) {
        if (segments.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Tuple t = Tuple.tuple()
                .addArrayOfString(segments.stream().map(Facts.SegmentChange::eventId).toArray(String[]::new))
                .addArrayOfString(segments.stream().map(Facts.SegmentChange::profileId).toArray(String[]::new))
                .addArrayOfString(segments.stream().map(Facts.SegmentChange::segmentId).toArray(String[]::new))
                .addArrayOfBoolean(segments.stream().map(Facts.SegmentChange::entered).toArray(Boolean[]::new))
                .addArrayOfOffsetDateTime(segments.stream().map(s -> time(s.at())).toArray(OffsetDateTime[]::new));
        return c.preparedQuery(INSERT_SEGMENTS).execute(t).replaceWithVoid();
    }

    /** The profile each id belongs to now; absent for erased ids. */
    private static Uni<Map<String, String>> resolve(SqlConnection c, List<String> ids) {
        return c.preparedQuery(RESOLVE).execute(Tuple.tuple().addArrayOfString(new TreeSet<>(ids).toArray(String[]::new)))
                .map(rows -> {
                    Map<String, String> out = new HashMap<>();
                    for (Row r : rows) {
                        if (r.getString(1) != null) {
                            out.put(r.getString(0), r.getString(1));
                        }
                    }
                    return out;
                });
    }

    /** Writes decisions, then outcomes (so that outcomes of decisions in the same batch find them). */
    public Uni<Void> decisions(List<Facts.Decision> decisions, List<Facts.Outcome> outcomes) {
        if (decisions.isEmpty() && outcomes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> decisionRows = new ArrayList<>();
        List<Tuple> suppressionRows = new ArrayList<>();
        // One row per variant and batch (its newest share), not one per decision.
        Map<List<String>, Facts.Decision> allocations = new LinkedHashMap<>();
        for (Facts.Decision d : decisions) {
            if (d.experimentId() != null && d.share() != null) {
                allocations.merge(List.of(d.experimentId(), d.variant()), d,
                        (a, b) -> b.at().isBefore(a.at()) ? a : b);
            }
            decisionRows.add(Tuple.tuple().addString(d.eventId()).addString(d.decisionId()).addString(d.profileId())
                    .addString(d.channel()).addString(d.experimentId()).addString(d.variant())
                    .addArrayOfString(d.actions().toArray(String[]::new)).addOffsetDateTime(time(d.at())));
            for (Facts.Suppression s : d.suppressions()) {
                suppressionRows.add(Tuple.of(d.decisionId(), s.actionId(), s.reason(), s.kind(), time(d.at())));
            }
        }
        List<Tuple> outcomeRows = new ArrayList<>();
        for (Facts.Outcome o : outcomes) {
            outcomeRows.add(Tuple.tuple().addString(o.eventId()).addString(o.decisionId()).addString(o.profileId())
                    .addString(o.actionId()).addString(o.outcome()).addOffsetDateTime(time(o.at())));
        }
        List<String> ids = new ArrayList<>();
        decisions.stream().map(Facts.Decision::profileId).filter(java.util.Objects::nonNull).forEach(ids::add);
        outcomes.stream().map(Facts.Outcome::profileId).filter(java.util.Objects::nonNull).forEach(ids::add);
        List<Tuple> allocationRows = allocations.values().stream()
                .map(d -> Tuple.of(d.experimentId(), d.variant(), d.share(), time(d.at()))).toList();
        return pool.withTransaction(c -> lockShared(c, ids).chain(() -> batch(c, INSERT_DECISION, decisionRows))
                .chain(() -> batch(c, UPSERT_ALLOCATION, allocationRows))
                .chain(() -> batch(c, INSERT_SUPPRESSION, suppressionRows))
                .chain(() -> batch(c, INSERT_OUTCOME, outcomeRows)));
    }

    /**
     * Moves everything kept under the merged ids to the survivor: facts are re-keyed; first entries and exposures
     * keep the earliest of both profiles (the survivor's variant wins when both were exposed); the survivor's path is
     * read again from the joined facts and the aggregates follow. Applied once per CloudEvent id.
     */
    public Uni<Void> merge(Facts.Merge merge) {
        return pool.withTransaction(c -> c.preparedQuery(
                "INSERT INTO analytics.identity_event (event_id, at) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id")
                .execute(Tuple.of(merge.eventId(), time(merge.at())))
                .chain(rows -> {
                    if (rows.rowCount() == 0) {
                        return Uni.createFrom().voidItem();
                    }
                    List<String> ids = new ArrayList<>(merge.mergedIds());
                    ids.add(merge.survivorId());
                    return lockExclusive(c, ids).chain(() -> aggregates.around(c, ids,
                            () -> rekey(c, merge.survivorId(), merge.mergedIds().toArray(String[]::new)), true));
                }));
    }

    private Uni<Void> rekey(SqlConnection c, String survivor, String[] merged) {
        Tuple both = Tuple.tuple().addString(survivor).addArrayOfString(merged);
        Tuple mergedOnly = Tuple.tuple().addArrayOfString(merged);
        List<Map.Entry<String, Tuple>> statements = List.of(
                Map.entry("UPDATE analytics.profile_alias SET survivor_id = $1 WHERE survivor_id = ANY($2)", both),
                Map.entry("INSERT INTO analytics.profile_alias (merged_id, survivor_id) SELECT m, $1 FROM unnest($2::text[]) m "
                        + "ON CONFLICT (merged_id) DO UPDATE SET survivor_id = excluded.survivor_id", both),
                Map.entry("UPDATE analytics.fact_event SET profile_id = $1 WHERE profile_id = ANY($2)", both),
                Map.entry("UPDATE analytics.fact_journey SET profile_id = $1 WHERE profile_id = ANY($2)", both),
                Map.entry("UPDATE analytics.fact_decision SET profile_id = $1 WHERE profile_id = ANY($2)", both),
                Map.entry("UPDATE analytics.fact_outcome SET profile_id = $1 WHERE profile_id = ANY($2)", both),
                Map.entry("UPDATE analytics.fact_segment SET profile_id = $1 WHERE profile_id = ANY($2)", both),
                Map.entry("INSERT INTO analytics.stage_entry (journey_id, stage, profile_id, first_at, channel, entries) "
                        + "SELECT DISTINCT ON (journey_id, stage) journey_id, stage, $1, first_at, channel, "
                        + "sum(entries) OVER (PARTITION BY journey_id, stage) "
                        + "FROM analytics.stage_entry WHERE profile_id = ANY($2) ORDER BY journey_id, stage, first_at "
                        + "ON CONFLICT (journey_id, stage, profile_id) DO UPDATE SET "
                        + "channel = CASE WHEN excluded.first_at < stage_entry.first_at THEN excluded.channel ELSE stage_entry.channel END, "
                        + "first_at = least(stage_entry.first_at, excluded.first_at), "
                        + "entries = stage_entry.entries + excluded.entries", both),
                Map.entry("DELETE FROM analytics.stage_entry WHERE profile_id = ANY($1)", mergedOnly),
                Map.entry("INSERT INTO analytics.experiment_exposure (experiment_id, profile_id, variant, first_at) "
                        + "SELECT DISTINCT ON (experiment_id) experiment_id, $1, variant, first_at "
                        + "FROM analytics.experiment_exposure WHERE profile_id = ANY($2) ORDER BY experiment_id, first_at "
                        + "ON CONFLICT (experiment_id, profile_id) DO NOTHING", both),
                Map.entry("DELETE FROM analytics.experiment_exposure WHERE profile_id = ANY($1)", mergedOnly),
                Map.entry("INSERT INTO analytics.experiment_conversion (experiment_id, profile_id, first_at) "
                        + "SELECT experiment_id, $1, min(first_at) FROM analytics.experiment_conversion WHERE profile_id = ANY($2) "
                        + "GROUP BY experiment_id ON CONFLICT (experiment_id, profile_id) DO UPDATE "
                        + "SET first_at = least(experiment_conversion.first_at, excluded.first_at)", both),
                Map.entry("DELETE FROM analytics.experiment_conversion WHERE profile_id = ANY($1)", mergedOnly));
        return run(c, statements);
    }

    /**
     * Forgets a profile: deletes its facts, takes its contribution out of every aggregate, and remembers the id (and
     * the ids merged into it) so that facts still in flight are dropped.
     */
    public Uni<Void> erase(Facts.Erasure erasure) {
        Tuple idAt = Tuple.of(erasure.profileId(), time(erasure.at()));
        Tuple id = Tuple.of(erasure.profileId());
        List<Map.Entry<String, Tuple>> statements = List.of(
                Map.entry("INSERT INTO analytics.erased_profile (profile_id, at) VALUES ($1, $2) ON CONFLICT DO NOTHING", idAt),
                Map.entry(
                        "INSERT INTO analytics.erased_profile (profile_id, at) SELECT merged_id, $2 FROM analytics.profile_alias "
                                + "WHERE survivor_id = $1 ON CONFLICT DO NOTHING",
                        idAt),
                Map.entry("DELETE FROM analytics.profile_alias WHERE survivor_id = $1 OR merged_id = $1", id),
                Map.entry("DELETE FROM analytics.fact_event WHERE profile_id = $1", id),
                Map.entry("DELETE FROM analytics.fact_journey WHERE profile_id = $1", id),
                Map.entry("DELETE FROM analytics.fact_segment WHERE profile_id = $1", id),
                Map.entry("DELETE FROM analytics.stage_entry WHERE profile_id = $1", id),
                Map.entry("DELETE FROM analytics.fact_suppression WHERE decision_id IN "
                        + "(SELECT decision_id FROM analytics.fact_decision WHERE profile_id = $1)", id),
                Map.entry("DELETE FROM analytics.fact_outcome WHERE profile_id = $1", id),
                Map.entry("DELETE FROM analytics.fact_decision WHERE profile_id = $1", id),
                Map.entry("DELETE FROM analytics.experiment_exposure WHERE profile_id = $1", id),
                Map.entry("DELETE FROM analytics.experiment_conversion WHERE profile_id = $1", id));
        return pool
                .withTransaction(c -> lockErasure(c, erasure.profileId())
                        .chain(() -> aggregates.around(c, List.of(erasure.profileId()), () -> run(c, statements), true)));
    }

    private static Uni<Void> run(SqlConnection c, List<Map.Entry<String, Tuple>> statements) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Map.Entry<String, Tuple> s : statements) {
            chain = chain.chain(() -> c.preparedQuery(s.getKey()).execute(s.getValue()).replaceWithVoid());
        }
        return chain;
    }

    private static Uni<Void> batch(SqlConnection c, String sql, List<Tuple> rows) {
        return rows.isEmpty() ? Uni.createFrom().voidItem() : c.preparedQuery(sql).executeBatch(rows).replaceWithVoid();
    }

    private static OffsetDateTime time(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
