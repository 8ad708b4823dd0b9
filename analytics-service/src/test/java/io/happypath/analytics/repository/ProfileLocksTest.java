package io.happypath.analytics.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.happypath.devstack.JwtTestResource;
import io.happypath.devstack.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/** However many profiles a batch has, its advisory locks fit PostgreSQL's shared lock table. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(JwtTestResource.class)
class ProfileLocksTest {

    @Inject
    Pool pool;

    @Test
    void aTransactionHoldsOneLockPerBucketOfItsProfiles() {
        // More profiles than the lock table has slots for all connections (64 each by default) with a lock per profile.
        List<String> ids = IntStream.range(0, 8_000).mapToObj(i -> "locks-" + i).toList();
        long held = pool.withTransaction(c -> ProfileLocks.lockShared(c, ids).chain(() -> ProfileLocks.lockEntries(c, ids))
                .chain(() -> c.query("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
                        .execute())
                .map(rows -> rows.iterator().next().getLong(0))).await().atMost(Duration.ofSeconds(30));
        assertEquals(2L * ProfileLocks.BUCKETS, held);
    }
}
