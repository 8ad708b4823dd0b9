package io.happypath.analytics.repository;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.happypath.devstack.JwtTestResource;
import io.happypath.devstack.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A table that has rows and was never analyzed gets analyzed, after which a lookup of a batch of ids is planned on its
 * index instead of as a scan of the whole table.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(JwtTestResource.class)
class TableStatisticsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    TableStatistics statistics;

    @Inject
    Pool pool;

    @Test
    void aTableWithRowsAndNoStatisticsIsAnalyzedOnce() {
        String schema = "stats_" + UUID.randomUUID().toString().replace("-", "");
        String ids = IntStream.range(0, 200).mapToObj(i -> "'p-" + (i * 97) + "'")
                .reduce((a, b) -> a + "," + b).orElseThrow();
        String lookup = "EXPLAIN SELECT * FROM " + schema + ".profiles WHERE profile_id = ANY(ARRAY[" + ids + "])";
        sql("CREATE SCHEMA " + schema);
        try {
            // Autovacuum kept away, so that only the code under test can analyze it.
            // Keyed like journey_profile: the profile id has an index of its own, not a unique one (from which the
            // planner would know the ids are distinct even without statistics).
            sql("CREATE TABLE " + schema + ".profiles (profile_id text NOT NULL, n int) WITH (autovacuum_enabled = false)");
            sql("CREATE INDEX ON " + schema + ".profiles (profile_id)");
            sql("INSERT INTO " + schema + ".profiles SELECT 'p-' || i, i FROM generate_series(0, 199999) i");
            await().atMost(WAIT).until(() -> pool.preparedQuery("SELECT n_live_tup FROM pg_stat_user_tables "
                    + "WHERE schemaname = $1").execute(Tuple.of(schema)).await().atMost(WAIT).iterator().next()
                    .getLong(0) >= 200_000);
            String unanalyzed = plan(lookup);
            assertTrue(unanalyzed.startsWith("Seq Scan"), unanalyzed);

            assertEquals(List.of("profiles"), statistics.analyzeUnanalyzed(schema).await().atMost(WAIT));

            String analyzed = plan(lookup);
            assertTrue(analyzed.matches("(Bitmap Heap|Index) Scan.*"), analyzed);
            await().atMost(WAIT).until(() -> pool.preparedQuery("SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables "
                    + "WHERE schemaname = $1").execute(Tuple.of(schema)).await().atMost(WAIT).iterator().next()
                    .getBoolean(0));
            assertEquals(List.of(), statistics.analyzeUnanalyzed(schema).await().atMost(WAIT));
        } finally {
            sql("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    private void sql(String sql) {
        pool.query(sql).execute().await().atMost(WAIT);
    }

    private String plan(String explain) {
        Row top = pool.query(explain).execute().await().atMost(WAIT).iterator().next();
        return top.getString(0);
    }
}
