package io.happypath.analytics.repository;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.happypath.analytics.config.AnalyticsConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Analyzes the tables that hold rows but have never been analyzed, so that the planner has statistics for them.
 * <p>
 * Without statistics, PostgreSQL takes each value of {@code profile_id = ANY($1)} to match 0.5 % of the rows: a batch
 * of a thousand profile ids is then expected to match the whole table, and the lookup is planned as a sequential
 * scan. Once a table has been analyzed, the estimate scales with its size. Autovacuum analyzes a new table only when
 * one of its workers gets to it; while it ingests a backlog into new tables, the workers can be busy with the large
 * ones for many minutes (in a 10 M-event benchmark, the journey tables were still unanalyzed after 9 minutes, and each
 * batch's read of {@code journey_profile} took 214 ms instead of 13). Every replica checks; analyzing twice is
 * harmless.
 */
@ApplicationScoped
public class TableStatistics {

    /** Below this many live rows, reading a whole table costs little whatever the plan. */
    static final int MIN_ROWS = 1000;

    private static final Logger LOG = Logger.getLogger(TableStatistics.class);

    private final Pool pool;
    private final AnalyticsConfig config;

    public TableStatistics(Pool pool, AnalyticsConfig config) {
        this.pool = pool;
        this.config = config;
    }

    @Scheduled(identity = "table-statistics", every = "${happypath.analytics.statistics-check}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return analyzeUnanalyzed("analytics").replaceWithVoid().onFailure().recoverWithUni(e -> {
            LOG.warnf("Checking the tables for missing statistics failed, next try in %s: %s",
                    config.statisticsCheck(), e.getMessage());
            return Uni.createFrom().voidItem();
        });
    }

    /** Analyzes the tables of {@code schema} that have rows and no statistics; returns their names. */
    public Uni<List<String>> analyzeUnanalyzed(String schema) {
        return pool.preparedQuery("SELECT relname, format('ANALYZE %I.%I', schemaname, relname) FROM pg_stat_user_tables "
                + "WHERE schemaname = $1 AND n_live_tup >= $2 AND last_analyze IS NULL AND last_autoanalyze IS NULL "
                + "ORDER BY relname").execute(Tuple.of(schema, MIN_ROWS))
                .chain(rows -> {
                    List<String> tables = new ArrayList<>();
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (Row r : rows) {
                        tables.add(r.getString(0));
                        chain = chain.chain(() -> pool.query(r.getString(1)).execute().replaceWithVoid());
                    }
                    return chain.replaceWith(tables);
                })
                .invoke(tables -> {
                    if (!tables.isEmpty()) {
                        LOG.infof("Analyzed %s: they had rows and no planner statistics yet", tables);
                    }
                });
    }
}
