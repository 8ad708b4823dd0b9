package io.happypath.decision.cache;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.happypath.decision.config.DecisionConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.smallrye.mutiny.Uni;

/**
 * The adaptive model's counts per action × channel, in Redis so that they survive restarts and are shared by
 * replicas: one hash per channel, fields {@code <actionId>|pos} and {@code <actionId>|neg}. A decision reads the
 * whole hash of its channel in one round trip; replicas reuse it for {@code model.cache-ttl}.
 */
@ApplicationScoped
public class ModelCounts {

    /** Positive and negative responses of one action on one channel. */
    public record Counts(long positives, long negatives) {

        public static final Counts NONE = new Counts(0, 0);

        public long responses() {
            return positives + negatives;
        }
    }

    private record Snapshot(Map<String, Counts> counts, long readAtNanos) {
    }

    private final ReactiveHashCommands<String, String, Long> hashes;
    private final String prefix;
    private final long ttlNanos;
    private final Map<String, Snapshot> cache = new ConcurrentHashMap<>();

    public ModelCounts(ReactiveRedisDataSource redis, DecisionConfig config) {
        this.hashes = redis.hash(String.class, String.class, Long.class);
        this.prefix = config.redisPrefix() + "model:";
        this.ttlNanos = config.model().cacheTtl().toNanos();
    }

    /** The counts of every action on a channel, at most {@code model.cache-ttl} old. */
    public Uni<Map<String, Counts>> forChannel(String channel) {
        Snapshot s = cache.get(channel);
        if (s != null && System.nanoTime() - s.readAtNanos() < ttlNanos) {
            return Uni.createFrom().item(s.counts());
        }
        return read(channel).invoke(m -> cache.put(channel, new Snapshot(m, System.nanoTime())));
    }

    /** The counts of every action on a channel, read from Redis now. */
    public Uni<Map<String, Counts>> read(String channel) {
        return hashes.hgetall(prefix + channel).map(ModelCounts::parse);
    }

    /** Counts one response of an action on a channel. */
    public Uni<Void> record(String actionId, String channel, boolean positive) {
        return hashes.hincrby(prefix + channel, actionId + (positive ? "|pos" : "|neg"), 1)
                .invoke(() -> cache.remove(channel)).replaceWithVoid();
    }

    /** Forgets the cached counts (tests and model resets). */
    public void invalidate() {
        cache.clear();
    }

    static Map<String, Counts> parse(Map<String, Long> fields) {
        Map<String, long[]> raw = new HashMap<>();
        fields.forEach((field, value) -> {
            int bar = field.lastIndexOf('|');
            if (bar > 0 && value != null) {
                long[] c = raw.computeIfAbsent(field.substring(0, bar), k -> new long[2]);
                c[field.endsWith("|pos") ? 0 : 1] = value;
            }
        });
        Map<String, Counts> out = new HashMap<>(raw.size() * 2);
        raw.forEach((k, c) -> out.put(k, new Counts(c[0], c[1])));
        return out;
    }

    Duration ttl() {
        return Duration.ofNanos(ttlNanos);
    }
}
