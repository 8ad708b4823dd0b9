package io.happypath.decision.cache;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import io.happypath.decision.config.DecisionConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;

/**
 * Decisions kept for {@code decision-ttl} so that outcomes can be checked and attributed (profile, channel,
 * actions shown); and push deduplication marks.
 */
@ApplicationScoped
public class DecisionRecords {

    private final ReactiveValueCommands<String, String> values;
    private final ReactiveKeyCommands<String> keys;
    private final String prefix;
    private final Duration ttl;

    public DecisionRecords(ReactiveRedisDataSource redis, DecisionConfig config) {
        this.values = redis.value(String.class);
        this.keys = redis.key();
        this.prefix = config.redisPrefix();
        this.ttl = config.decisionTtl();
    }

    /** Stores a decision's record (JSON). */
    public Uni<Void> save(String decisionId, String json) {
        return values.set(prefix + "decision:" + decisionId, json, new SetArgs().px(ttl));
    }

    /** A decision's record, or null when unknown or expired. */
    public Uni<String> find(String decisionId) {
        return values.get(prefix + "decision:" + decisionId);
    }

    /** Marks an event as handled; false if it was already marked (at-least-once delivery → once). */
    public Uni<Boolean> markOnce(String eventKey) {
        return values.setnx(prefix + "once:" + eventKey, "1")
                .call(first -> first ? keys.pexpire(prefix + "once:" + eventKey, ttl) : Uni.createFrom().nullItem());
    }

    /** Removes a mark so that a failed handling is retried. */
    public Uni<Void> unmark(String eventKey) {
        return keys.del(prefix + "once:" + eventKey).replaceWithVoid();
    }
}
