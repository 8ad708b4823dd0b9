package io.happypath.collector.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.happypath.collector.config.CollectorConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;

/**
 * Remembers which {@code (source, messageId)} pairs were published, for the dedup window. Only what the broker
 * acknowledged is ever marked, so a retry after a failed publish is never swallowed.
 * <p>
 * Redis trouble fails open: an unreadable dedup set means publishing again (consumers are idempotent by CloudEvent id),
 * never losing an event.
 */
@ApplicationScoped
public class DedupStore {

    private static final Logger LOG = Logger.getLogger(DedupStore.class);

    private final ReactiveRedisDataSource redis;
    private final ReactiveValueCommands<String, String> values;
    private final String prefix;
    private final String ttlSeconds;

    public DedupStore(ReactiveRedisDataSource redis, CollectorConfig config) {
        this.redis = redis;
        this.values = redis.value(String.class);
        this.prefix = config.dedup().keyPrefix();
        this.ttlSeconds = String.valueOf(Math.max(1, config.dedup().ttl().toSeconds()));
    }

    /** The messageIds of {@code source} among {@code messageIds} that were already published within the window. */
    public Uni<Set<String>> seen(String source, List<String> messageIds) {
        if (messageIds.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        String[] keys = messageIds.stream().map(id -> key(source, id)).toArray(String[]::new);
        return values.mget(keys)
                .map(found -> messageIds.stream().filter(id -> found.get(key(source, id)) != null)
                        .collect(Collectors.toUnmodifiableSet()))
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("Dedup lookup failed, publishing without dedup: %s", e.getMessage());
                    return Set.of();
                });
    }

    /** Marks messages of {@code source} as published, in one pipelined round trip. Never fails. */
    public Uni<Void> markPublished(String source, Collection<String> messageIds) {
        if (messageIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Request> sets = new ArrayList<>(messageIds.size());
        for (String id : messageIds) {
            sets.add(Request.cmd(Command.SET).arg(key(source, id)).arg("1").arg("EX").arg(ttlSeconds));
        }
        return redis.getRedis().batch(sets).replaceWithVoid()
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("Could not mark %d published messages for dedup: %s", messageIds.size(), e.getMessage());
                    return null;
                });
    }

    String key(String source, String messageId) {
        return prefix + source + ":" + messageId;
    }

    /** Duration of the dedup window, for documentation and tests. */
    public Duration ttl() {
        return Duration.ofSeconds(Long.parseLong(ttlSeconds));
    }
}
