package io.happypath.analytics.repository;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The monthly partitions of {@code analytics.fact_event} ({@code fact_event_YYYY_MM}, UTC months), created when the
 * first fact of a month arrives. Creation runs in its own short transaction before the batch that needs it (it takes a
 * lock on the parent table); two replicas racing to create the same month make one batch fail and be retried.
 */
@ApplicationScoped
public class EventPartitions {

    /** Earliest and latest fact times accepted: months PostgreSQL and the partition names can hold. */
    public static final Instant MIN = Instant.parse("1970-01-01T00:00:00Z");
    public static final Instant MAX = Instant.parse("9999-12-01T00:00:00Z");

    private final Pool pool;
    private final Set<YearMonth> known = ConcurrentHashMap.newKeySet();

    public EventPartitions(Pool pool) {
        this.pool = pool;
    }

    /** Whether a fact at {@code ts} can be stored. */
    public static boolean accepts(Instant ts) {
        return !ts.isBefore(MIN) && ts.isBefore(MAX);
    }

    /** Creates the partitions the times need, if they do not exist yet. */
    public Uni<Void> ensure(Collection<Instant> times) {
        Set<YearMonth> missing = new TreeSet<>();
        for (Instant t : times) {
            YearMonth m = YearMonth.from(t.atZone(ZoneOffset.UTC));
            if (!known.contains(m)) {
                missing.add(m);
            }
        }
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (YearMonth m : missing) {
            chain = chain.chain(() -> pool.query(ddl(m)).execute().invoke(() -> known.add(m)).replaceWithVoid());
        }
        return chain;
    }

    /** The partition of month {@code m}. */
    static String ddl(YearMonth m) {
        return "CREATE TABLE IF NOT EXISTS analytics.%s PARTITION OF analytics.fact_event FOR VALUES FROM ('%s') TO ('%s')"
                .formatted(name(m), bound(m), bound(m.plusMonths(1)));
    }

    static String name(YearMonth m) {
        return "fact_event_%04d_%02d".formatted(m.getYear(), m.getMonthValue());
    }

    private static String bound(YearMonth m) {
        return "%04d-%02d-01 00:00:00+00".formatted(m.getYear(), m.getMonthValue());
    }
}
