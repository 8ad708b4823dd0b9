package io.happypath.analytics.repository;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.happypath.analytics.repository.AggregateWriter.StoredPath;
import io.happypath.devstack.JwtTestResource;
import io.happypath.devstack.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * {@link AggregateWriter#lock} reads and locks the path rows that exist, creates the missing ones, and reads the row
 * that another transaction created in between instead of taking it for an empty path.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(JwtTestResource.class)
class PathRowLockingTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String INSERT_PATH = "INSERT INTO analytics.profile_path (profile_id, start_at, first_channel, "
            + "last_at, last_event_id, channels, events, run_at) "
            + "VALUES ($1, $2::timestamptz, $3::text, $2, $4, ARRAY[$3], ARRAY[$5::text], ARRAY[$2])";

    @Inject
    AggregateWriter writer;

    @Inject
    Pool pool;

    @Test
    void existingMissingAndConcurrentlyCreatedRowsAreAllLockedAndRead() throws Exception {
        String existing = "row-a-" + UUID.randomUUID();
        String raced = "row-b-" + UUID.randomUUID();
        String missing = "row-c-" + UUID.randomUUID();
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        pool.preparedQuery(INSERT_PATH).execute(path(existing, at, "web", "Page Viewed")).await().atMost(WAIT);

        SqlConnection creator = pool.getConnection().await().atMost(WAIT);
        SqlConnection locker = pool.getConnection().await().atMost(WAIT);
        try {
            // Another transaction creates a row for `raced` and has not committed: the locker cannot see it yet.
            Transaction creating = creator.begin().await().atMost(WAIT);
            creator.preparedQuery(INSERT_PATH).execute(path(raced, at, "store", "Order Completed")).await().atMost(WAIT);

            Transaction locking = locker.begin().await().atMost(WAIT);
            CompletableFuture<Map<String, StoredPath>> locked = writer.lock(locker, Set.of(existing, raced, missing))
                    .subscribeAsCompletionStage();
            // Its creation of `raced` waits for the other transaction.
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> !locked.isDone());
            creating.commit().await().atMost(WAIT);
            Map<String, StoredPath> stored = locked.get(WAIT.toSeconds(), TimeUnit.SECONDS);

            assertEquals(List.of("web"), stored.get(existing).runs().channels());
            assertEquals(List.of("store"), stored.get(raced).runs().channels());
            assertEquals(StoredPath.EMPTY.runs(), stored.get(missing).runs());
            // The rows it read are locked; the one it created is its own until it commits.
            for (String p : List.of(existing, raced)) {
                Exception busy = assertThrows(Exception.class, () -> pool.preparedQuery("SELECT 1 FROM "
                        + "analytics.profile_path WHERE profile_id = $1 FOR UPDATE NOWAIT").execute(Tuple.of(p))
                        .await().atMost(WAIT), p);
                assertTrue(busy.getMessage().contains("could not obtain lock"), busy.getMessage());
            }
            assertEquals(0, pool.preparedQuery("SELECT 1 FROM analytics.profile_path WHERE profile_id = $1")
                    .execute(Tuple.of(missing)).await().atMost(WAIT).size());
            locking.commit().await().atMost(WAIT);
            assertEquals(1, pool.preparedQuery("SELECT 1 FROM analytics.profile_path WHERE profile_id = $1 FOR UPDATE NOWAIT")
                    .execute(Tuple.of(missing)).await().atMost(WAIT).size());
        } finally {
            creator.close().await().atMost(WAIT);
            locker.close().await().atMost(WAIT);
        }
    }

    private static Tuple path(String profile, Instant at, String channel, String event) {
        return Tuple.of(profile, AggregateWriter.time(at), channel, UUID.randomUUID().toString(), event);
    }
}
