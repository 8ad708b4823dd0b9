package io.happypath.decision.cache;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import io.happypath.decision.config.DecisionConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.smallrye.mutiny.Uni;

/**
 * Decisions kept for {@code decision-ttl} so that outcomes can be checked and attributed (profile, channel,
 * actions shown, predictor values), indexed per subject so that an erased profile's decisions can be found
 * ({@code decisions-of:<subject>}, a sorted set of decision ids by time); and push deduplication marks.
 */
@ApplicationScoped
public class DecisionRecords {

    /** The record and its index entry in one round trip; index entries older than the records are dropped. */
    private static final String SAVE = """
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
            redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. (tonumber(ARGV[3]) - tonumber(ARGV[2])))
            redis.call('PEXPIRE', KEYS[2], ARGV[2])
            return 1""";

    /** Deletes the records of a subject and its index. */
    private static final String ERASE = """
            local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
            for _, id in ipairs(ids) do redis.call('DEL', ARGV[1] .. id) end
            redis.call('DEL', KEYS[1])
            return #ids""";

    /** Moves a subject's index into another's (the records themselves keep their ids). */
    private static final String FOLD = """
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            local n = redis.call('ZUNIONSTORE', KEYS[2], 2, KEYS[2], KEYS[1], 'AGGREGATE', 'MAX')
            redis.call('PEXPIRE', KEYS[2], ARGV[1])
            redis.call('DEL', KEYS[1])
            return n""";

    private final ReactiveRedisDataSource redis;
    private final ReactiveValueCommands<String, String> values;
    private final ReactiveKeyCommands<String> keys;
    private final String prefix;
    private final Duration ttl;

    public DecisionRecords(ReactiveRedisDataSource redis, DecisionConfig config) {
        this.redis = redis;
        this.values = redis.value(String.class);
        this.keys = redis.key();
        this.prefix = config.redisPrefix();
        this.ttl = config.decisionTtl();
    }

    /** Stores a decision's record (JSON) and indexes it under its subject. */
    public Uni<Void> save(String decisionId, String subject, String json, Instant now) {
        return redis.execute("EVAL", SAVE, "2", recordKey(decisionId), indexKey(subject), json,
                String.valueOf(ttl.toMillis()), String.valueOf(now.toEpochMilli()), decisionId).replaceWithVoid();
    }

    /** A decision's record, or null when unknown or expired. */
    public Uni<String> find(String decisionId) {
        return values.get(recordKey(decisionId));
    }

    /** Deletes every decision record of a subject; how many there were. */
    public Uni<Integer> erase(String subject) {
        return redis.execute("EVAL", ERASE, "1", indexKey(subject), prefix + "decision:")
                .map(r -> r.toInteger());
    }

    /** Files the decision records of {@code from} under {@code to} (a merge), so that erasing {@code to} finds them. */
    public Uni<Void> fold(String from, String to) {
        return redis.execute("EVAL", FOLD, "2", indexKey(from), indexKey(to), String.valueOf(ttl.toMillis()))
                .replaceWithVoid();
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

    private String recordKey(String decisionId) {
        return prefix + "decision:" + decisionId;
    }

    private String indexKey(String subject) {
        return prefix + "decisions-of:" + subject;
    }
}
