package io.happypath.analytics.repository;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.happypath.analytics.domain.Facts;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Writes facts and maintains the aggregates in the same transaction, one batched statement per kind of fact.
 * Every write is idempotent by CloudEvent id (facts) or by construction (first entry / first exposure wins), so a
 * redelivered batch changes nothing. Facts of a merged profile are written under its survivor; facts of an erased
 * profile are dropped.
 */
@ApplicationScoped
public class FactRepository {

    /** The profile a fact belongs to now: the survivor if the id was merged away. */
    private static final String CURRENT = "coalesce((SELECT survivor_id FROM analytics.profile_alias WHERE merged_id = $%d), $%d)";
    private static final String NOT_ERASED = "NOT EXISTS (SELECT 1 FROM analytics.erased_profile WHERE profile_id = $%d)";

    private static final String INSERT_STEP = "INSERT INTO analytics.fact_event (event_id, profile_id, ts, channel, event) "
            + "SELECT $1, " + CURRENT.formatted(2, 2) + ", $3, $4, $5 WHERE " + NOT_ERASED.formatted(2)
            + " ON CONFLICT (event_id) DO NOTHING";

    private static final String INSERT_JOURNEY = "WITH j AS (INSERT INTO analytics.journey (journey_id, first_seen) VALUES ($4, $7) "
            + "ON CONFLICT (journey_id) DO NOTHING), "
            + "f AS (INSERT INTO analytics.fact_journey (event_id, type, profile_id, journey_id, stage, channel, at) "
            + "SELECT $1, $2, " + CURRENT.formatted(3, 3) + ", $4, $5, $6, $7 WHERE " + NOT_ERASED.formatted(3)
            + " ON CONFLICT (event_id) DO NOTHING RETURNING type, profile_id, journey_id, stage, channel, at) "
            + "INSERT INTO analytics.stage_entry (journey_id, stage, profile_id, first_at, channel, entries) "
            + "SELECT journey_id, stage, profile_id, at, channel, 1 FROM f WHERE type = 'stage.entered' "
            + "ON CONFLICT (journey_id, stage, profile_id) DO UPDATE SET "
            + "channel = CASE WHEN excluded.first_at < stage_entry.first_at THEN excluded.channel ELSE stage_entry.channel END, "
            + "first_at = least(stage_entry.first_at, excluded.first_at), entries = stage_entry.entries + 1";

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

    private static final String INSERT_SUPPRESSION = "INSERT INTO analytics.fact_suppression (decision_id, action_id, reason, at) "
            + "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";

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

    public FactRepository(Pool pool) {
        this.pool = pool;
    }

    /** Writes path steps. */
    public Uni<Void> steps(List<Facts.Step> steps) {
        if (steps.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> rows = new ArrayList<>(steps.size());
        for (Facts.Step s : steps) {
            rows.add(Tuple.of(s.eventId(), s.profileId(), time(s.ts()), s.channel(), s.event()));
        }
        List<String> ids = steps.stream().map(Facts.Step::profileId).toList();
        return pool.withTransaction(c -> lockShared(c, ids).chain(() -> c.preparedQuery(INSERT_STEP).executeBatch(rows)))
                .replaceWithVoid();
    }

    /** Writes journey facts and maintains the stage entries. */
    public Uni<Void> journeyFacts(List<Facts.JourneyFact> facts) {
        if (facts.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> rows = new ArrayList<>(facts.size());
        for (Facts.JourneyFact f : facts) {
            rows.add(Tuple.of(f.eventId(), f.type(), f.profileId(), f.journeyId(), f.stage())
                    .addString(f.channel()).addOffsetDateTime(time(f.at())));
        }
        List<String> ids = facts.stream().map(Facts.JourneyFact::profileId).toList();
        return pool.withTransaction(c -> lockShared(c, ids).chain(() -> c.preparedQuery(INSERT_JOURNEY).executeBatch(rows)))
                .replaceWithVoid();
    }

    /** Writes decisions, then outcomes (so that outcomes of decisions in the same batch find them). */
    public Uni<Void> decisions(List<Facts.Decision> decisions, List<Facts.Outcome> outcomes) {
        if (decisions.isEmpty() && outcomes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> decisionRows = new ArrayList<>();
        List<Tuple> suppressionRows = new ArrayList<>();
        for (Facts.Decision d : decisions) {
            decisionRows.add(Tuple.tuple().addString(d.eventId()).addString(d.decisionId()).addString(d.profileId())
                    .addString(d.channel()).addString(d.experimentId()).addString(d.variant())
                    .addArrayOfString(d.actions().toArray(String[]::new)).addOffsetDateTime(time(d.at())));
            for (Facts.Suppression s : d.suppressions()) {
                suppressionRows.add(Tuple.of(d.decisionId(), s.actionId(), s.reason(), time(d.at())));
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
        return pool.withTransaction(c -> lockShared(c, ids).chain(() -> batch(c, INSERT_DECISION, decisionRows))
                .chain(() -> batch(c, INSERT_SUPPRESSION, suppressionRows))
                .chain(() -> batch(c, INSERT_OUTCOME, outcomeRows)));
    }

    /**
     * Moves everything kept under the merged ids to the survivor: facts are re-keyed; first entries and exposures
     * keep the earliest of both profiles (the survivor's variant wins when both were exposed). Applied once per
     * CloudEvent id.
     */
    public Uni<Void> merge(Facts.Merge merge) {
        return pool.withTransaction(c -> c.preparedQuery(
                "INSERT INTO analytics.identity_event (event_id, at) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id")
                .execute(Tuple.of(merge.eventId(), time(merge.at())))
                .chain(rows -> rows.rowCount() == 0
                        ? Uni.createFrom().voidItem()
                        : rekey(c, merge.survivorId(), merge.mergedIds().toArray(String[]::new))));
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
     * Forgets a profile: deletes its facts and aggregates, and remembers the id (and the ids merged into it) so that
     * facts still in flight are dropped.
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
                Map.entry("DELETE FROM analytics.stage_entry WHERE profile_id = $1", id),
                Map.entry("DELETE FROM analytics.fact_suppression WHERE decision_id IN "
                        + "(SELECT decision_id FROM analytics.fact_decision WHERE profile_id = $1)", id),
                Map.entry("DELETE FROM analytics.fact_outcome WHERE profile_id = $1", id),
                Map.entry("DELETE FROM analytics.fact_decision WHERE profile_id = $1", id),
                Map.entry("DELETE FROM analytics.experiment_exposure WHERE profile_id = $1", id),
                Map.entry("DELETE FROM analytics.experiment_conversion WHERE profile_id = $1", id));
        return pool
                .withTransaction(c -> c.preparedQuery("SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtext(p) AS h "
                        + "FROM (SELECT $1::text AS p UNION SELECT merged_id FROM analytics.profile_alias WHERE survivor_id = $1) ids "
                        + "ORDER BY h) x").execute(id).chain(() -> run(c, statements)));
    }

    /*
     * Facts of a profile and its merge or erasure must not interleave: a fact written while a concurrent erasure
     * deletes (or a merge re-keys) would survive it under READ COMMITTED. Fact batches take a shared advisory lock per
     * profile, merges and erasures an exclusive one, always in hash order (so they cannot deadlock on each other); the
     * writes come in the next statement, whose snapshot sees what the lock holder committed.
     */
    private static Uni<Void> lockShared(SqlConnection c, List<String> profileIds) {
        return lock(c, "pg_advisory_xact_lock_shared", profileIds);
    }

    private static Uni<Void> lockExclusive(SqlConnection c, List<String> profileIds) {
        return lock(c, "pg_advisory_xact_lock", profileIds);
    }

    private static Uni<Void> lock(SqlConnection c, String function, List<String> profileIds) {
        if (profileIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return c.preparedQuery("SELECT " + function + "(h) FROM (SELECT DISTINCT hashtext(p) AS h FROM unnest($1::text[]) p "
                + "ORDER BY h) x").execute(Tuple.tuple().addArrayOfString(profileIds.toArray(String[]::new))).replaceWithVoid();
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
