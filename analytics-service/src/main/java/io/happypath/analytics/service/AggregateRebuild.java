package io.happypath.analytics.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.happypath.analytics.repository.AggregateWriter;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Builds the path aggregates from the stored facts when they have not been built yet (after the migration that
 * introduced them), a page of profiles per transaction, in the background after start. Each page takes the profiles'
 * current contribution out and puts the one computed from their facts in, under the same per-profile locks as
 * ingestion, so facts arriving meanwhile are counted exactly once; an interrupted rebuild simply starts again.
 */
@ApplicationScoped
public class AggregateRebuild {

    /** The generation of the path aggregates this code builds. */
    static final int VERSION = 1;
    static final int PAGE = 500;

    private static final Logger LOG = Logger.getLogger(AggregateRebuild.class);

    private final Pool pool;
    private final AggregateWriter aggregates;
    private volatile Cancellable running;

    public AggregateRebuild(Pool pool, AggregateWriter aggregates) {
        this.pool = pool;
        this.aggregates = aggregates;
    }

    void onStart(@Observes StartupEvent event) {
        // The database may not be there yet: keep trying in the background, never hold up the start.
        running = rebuild(false).onFailure().invoke(f -> LOG.warnf("Path aggregates not built yet: %s", f.getMessage()))
                .onFailure().retry().withBackOff(Duration.ofSeconds(1), Duration.ofSeconds(30)).indefinitely()
                .subscribe().with(n -> {
                    if (n > 0) {
                        LOG.infof("Built the path aggregates of %d profiles from their facts", n);
                    }
                }, f -> LOG.error("Could not build the path aggregates", f));
    }

    void onStop(@Observes ShutdownEvent event) {
        Cancellable r = running;
        if (r != null) {
            r.cancel();
        }
    }

    /**
     * Builds the path aggregates of every profile with facts, unless they are built already ({@code force}: again).
     *
     * @return the number of profiles rebuilt
     */
    public Uni<Long> rebuild(boolean force) {
        return pool.query("SELECT version FROM analytics.aggregate_state WHERE name = 'paths'").execute()
                .chain(rows -> !force && rows.iterator().hasNext() && rows.iterator().next().getInteger(0) >= VERSION
                        ? Uni.createFrom().item(0L)
                        : page("", 0));
    }

    private Uni<Long> page(String after, long done) {
        return nextProfiles(after).chain(ids -> {
            if (ids.isEmpty()) {
                return pool.query("UPDATE analytics.aggregate_state SET version = " + VERSION
                        + ", updated_at = now() WHERE name = 'paths'").execute().replaceWith(done);
            }
            return pool.withTransaction(c -> aggregates.around(c, ids, () -> Uni.createFrom().voidItem(), true))
                    .chain(() -> page(ids.get(ids.size() - 1), done + ids.size()));
        });
    }

    /** The next profile ids with path facts, in order (a loose index scan: one index probe per id). */
    private Uni<List<String>> nextProfiles(String after) {
        return pool.preparedQuery("WITH RECURSIVE t(p, n) AS ("
                + "(SELECT profile_id, 1 FROM analytics.fact_event WHERE profile_id > $1 ORDER BY profile_id LIMIT 1) "
                + "UNION ALL SELECT (SELECT profile_id FROM analytics.fact_event WHERE profile_id > t.p "
                + "ORDER BY profile_id LIMIT 1), t.n + 1 FROM t WHERE t.p IS NOT NULL AND t.n < $2) "
                + "SELECT p FROM t WHERE p IS NOT NULL")
                .execute(Tuple.of(after, PAGE)).map(rows -> {
                    List<String> out = new ArrayList<>();
                    rows.forEach(r -> out.add(r.getString(0)));
                    return out;
                });
    }
}
