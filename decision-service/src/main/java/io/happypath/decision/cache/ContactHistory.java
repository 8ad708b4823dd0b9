package io.happypath.decision.cache;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.happypath.decision.config.DecisionConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.quarkus.redis.datasource.sortedset.ReactiveSortedSetCommands;
import io.quarkus.redis.datasource.sortedset.ScoreRange;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;

/**
 * Contacts and outcomes per profile in sliding windows (Redis sorted sets scored by epoch millis), and the pauses
 * that suppression policies set. Keys: {@code contacts:<profile>:<counter>}, {@code outcomes:<profile>:<outcome>:
 * <counter>}, {@code pause:<profile>:<policy>:<counter>}.
 */
@ApplicationScoped
public class ContactHistory {

    /** Contacts and outcomes older than this are never needed by a policy window. */
    static final Duration RETENTION = Duration.ofDays(400);

    private final ReactiveSortedSetCommands<String, String> zsets;
    private final ReactiveKeyCommands<String> keys;
    private final ReactiveValueCommands<String, String> values;
    private final String prefix;

    public ContactHistory(ReactiveRedisDataSource redis, DecisionConfig config) {
        this.zsets = redis.sortedSet(String.class);
        this.keys = redis.key();
        this.values = redis.value(String.class);
        this.prefix = config.redisPrefix();
    }

    /** How many contacts on a counter fall within the window ending now. */
    public Uni<Long> contactsWithin(String profileId, String counter, Duration window, Instant now) {
        return zsets.zcount(contactsKey(profileId, counter), range(now.minus(window), now));
    }

    /** Whether a suppression policy currently pauses a counter. */
    public Uni<Boolean> paused(String profileId, String policyId, String counter) {
        return keys.exists(pauseKey(profileId, policyId, counter));
    }

    /** Records contacts (an action shown) on counters; {@code member} makes each contact count once. */
    public Uni<Void> recordContacts(String profileId, Collection<String> counters, String member, Instant now) {
        List<Uni<Void>> ops = new ArrayList<>();
        for (String counter : counters) {
            ops.add(append(contactsKey(profileId, counter), member, now));
        }
        return joinAll(ops);
    }

    /**
     * Records an outcome on a counter and, when {@code threshold} outcomes fall within {@code window}, pauses the
     * counter for {@code pause}.
     *
     * @return whether the counter is now paused
     */
    public Uni<Boolean> recordOutcome(String profileId, String policyId, String outcome, String counter,
            String member, int threshold, Duration window, Duration pause, Instant now) {
        String key = prefix + "outcomes:" + profileId + ":" + outcome + ":" + counter;
        return append(key, member, now)
                .chain(() -> zsets.zcount(key, range(now.minus(window), now)))
                .chain(count -> count < threshold
                        ? Uni.createFrom().item(false)
                        : values.set(pauseKey(profileId, policyId, counter), now.toString(),
                                new SetArgs().px(pause)).replaceWith(true));
    }

    private Uni<Void> append(String key, String member, Instant now) {
        long ms = now.toEpochMilli();
        return zsets.zadd(key, ms, member)
                .chain(() -> zsets.zremrangebyscore(key, new ScoreRange<>(Double.NEGATIVE_INFINITY, true,
                        (double) (ms - RETENTION.toMillis()), false)))
                .chain(() -> keys.pexpire(key, RETENTION))
                .replaceWithVoid();
    }

    private static ScoreRange<Double> range(Instant from, Instant to) {
        return new ScoreRange<>((double) from.toEpochMilli(), false, (double) to.toEpochMilli(), true);
    }

    private String contactsKey(String profileId, String counter) {
        return prefix + "contacts:" + profileId + ":" + counter;
    }

    private String pauseKey(String profileId, String policyId, String counter) {
        return prefix + "pause:" + profileId + ":" + policyId + ":" + counter;
    }

    static Uni<Void> joinAll(List<Uni<Void>> ops) {
        if (ops.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.join().all(ops).andFailFast().replaceWithVoid();
    }
}
