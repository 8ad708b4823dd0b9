package io.happypath.analytics.repository;

import java.util.Collection;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Transaction-scoped advisory locks per bucket of profiles, always taken in bucket order so that transactions cannot
 * deadlock on them; within a transaction they come before any row lock.
 * <ul>
 * <li>Facts of a profile and its merge or erasure must not interleave: a fact written while a concurrent erasure
 * deletes (or a merge re-keys) would survive it under READ COMMITTED. Fact batches take a {@link #lockShared} lock per
 * bucket of their profiles, merges and erasures an exclusive one ({@link #lockExclusive}, {@link #lockErasure}); the
 * writes come in the next statement, whose snapshot sees what the lock holder committed.</li>
 * <li>Changes of a profile's stage entries (journey facts, merges, erasures, rebuilds) run one after the other: they
 * take an {@link #lockEntries} lock, in a key space of its own; path steps do not.</li>
 * </ul>
 * A bucket is the profile id's hash modulo {@value #BUCKETS}, so a transaction holds at most that many locks of a kind
 * whatever its batch size. PostgreSQL keeps advisory locks in a lock table shared by all connections (by default 64
 * per connection: 6,400 slots): with a lock per profile, a few concurrent batches of 2,000 profiles failed with "out
 * of shared memory". The price is that an exclusive lock also waits for batches of other profiles in its buckets,
 * for the length of one batch.
 */
final class ProfileLocks {

    /** Buckets per kind of lock, a power of two. */
    static final int BUCKETS = 256;
    /** The bucket of the profile id {@code p}. */
    private static final String BUCKET = "hashtext(p) & " + (BUCKETS - 1);
    /** The first key of the stage-entry locks; fact locks use the one-key space. */
    private static final int ENTRY_LOCKS = 1;

    private ProfileLocks() {
    }

    static Uni<Void> lockShared(SqlConnection c, Collection<String> profileIds) {
        return take(c, "pg_advisory_xact_lock_shared(h)", profileIds);
    }

    static Uni<Void> lockExclusive(SqlConnection c, Collection<String> profileIds) {
        return take(c, "pg_advisory_xact_lock(h)", profileIds);
    }

    /** The exclusive lock of an erasure: the profile's and those of the ids merged into it. */
    static Uni<Void> lockErasure(SqlConnection c, String profileId) {
        return c.preparedQuery("SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT " + BUCKET + " AS h FROM "
                + "(SELECT $1::text AS p UNION SELECT merged_id FROM analytics.profile_alias WHERE survivor_id = $1) ids "
                + "ORDER BY h) x").execute(Tuple.of(profileId)).replaceWithVoid();
    }

    static Uni<Void> lockEntries(SqlConnection c, Collection<String> profileIds) {
        return take(c, "pg_advisory_xact_lock(" + ENTRY_LOCKS + ", h)", profileIds);
    }

    private static Uni<Void> take(SqlConnection c, String lock, Collection<String> profileIds) {
        if (profileIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return c.preparedQuery("SELECT " + lock + " FROM (SELECT DISTINCT " + BUCKET + " AS h FROM unnest($1::text[]) p "
                + "ORDER BY h) x").execute(Tuple.tuple().addArrayOfString(profileIds.toArray(String[]::new))).replaceWithVoid();
    }
}
