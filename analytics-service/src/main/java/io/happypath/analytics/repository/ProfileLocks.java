package io.happypath.analytics.repository;

import java.util.Collection;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Transaction-scoped advisory locks per profile, always taken in hash order so that transactions cannot deadlock on
 * them; within a transaction they come before any row lock.
 * <ul>
 * <li>Facts of a profile and its merge or erasure must not interleave: a fact written while a concurrent erasure
 * deletes (or a merge re-keys) would survive it under READ COMMITTED. Fact batches take a {@link #lockShared} lock per
 * profile, merges and erasures an {@link #lockExclusive} one; the writes come in the next statement, whose snapshot sees
 * what the lock holder committed.</li>
 * <li>Changes of a profile's stage entries (journey facts, merges, erasures, rebuilds) run one after the other: they
 * take an {@link #lockEntries} lock, in a key space of its own; path steps do not.</li>
 * </ul>
 */
final class ProfileLocks {

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

    static Uni<Void> lockEntries(SqlConnection c, Collection<String> profileIds) {
        return take(c, "pg_advisory_xact_lock(" + ENTRY_LOCKS + ", h)", profileIds);
    }

    private static Uni<Void> take(SqlConnection c, String lock, Collection<String> profileIds) {
        if (profileIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return c.preparedQuery("SELECT " + lock + " FROM (SELECT DISTINCT hashtext(p) AS h FROM unnest($1::text[]) p "
                + "ORDER BY h) x").execute(Tuple.tuple().addArrayOfString(profileIds.toArray(String[]::new))).replaceWithVoid();
    }
}
