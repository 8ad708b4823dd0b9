package io.happypath.journey.state;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.happypath.journey.config.JourneyConfig;
import io.happypath.journey.domain.Counters;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

/**
 * The live state in Redis. One hash per profile ({@code v}: version, {@code s}: JSON state); every change is one Lua
 * script run that compares versions, writes the states, records the processed cause id with what it published,
 * moves the live counters and the stall timers: all or nothing, in one round trip.
 *
 * <p>
 * Keys carry the profile id as a hash tag ({@code hp:js:{profileId}:state}) so a Redis Cluster keeps a profile's keys
 * on one slot. Counters and the timer set are shared keys.
 */
@ApplicationScoped
public class StateStore {

    static final String READ = """
            local out = {}
            for i = 1, #KEYS - 1 do
              local r = redis.call('HMGET', KEYS[i], 'v', 's')
              out[#out + 1] = r[1] or ''
              out[#out + 1] = r[2] or ''
            end
            out[#out + 1] = redis.call('GET', KEYS[#KEYS]) or ''
            return out
            """;

    /*
     * KEYS: n state keys, then the done key. ARGV[1] = n, ARGV[2] = done value, ARGV[3] = done ttl (s); then per state:
     * expected version, new version, new json ('' deletes); then operations.
     */
    static final String COMMIT = """
            local n = tonumber(ARGV[1])
            for i = 1, n do
              local v = redis.call('HGET', KEYS[i], 'v') or '0'
              if v ~= ARGV[3 + (i - 1) * 3 + 1] then return 0 end
            end
            for i = 1, n do
              local base = 3 + (i - 1) * 3
              if ARGV[base + 3] == '' then
                redis.call('DEL', KEYS[i])
              else
                redis.call('HSET', KEYS[i], 'v', ARGV[base + 2], 's', ARGV[base + 3])
              end
            end
            if ARGV[2] ~= '' then redis.call('SET', KEYS[n + 1], ARGV[2], 'EX', ARGV[3]) end
            local i = 4 + n * 3
            while i <= #ARGV do
              local op = ARGV[i]
              if op == 'H' then
                if redis.call('HINCRBY', ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]) <= 0 then
                  redis.call('HDEL', ARGV[i + 1], ARGV[i + 2])
                end
                i = i + 4
              elseif op == 'ZA' then redis.call('ZADD', ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]); i = i + 4
              elseif op == 'ZR' then redis.call('ZREM', ARGV[i + 1], ARGV[i + 2]); i = i + 3
              else return redis.error_reply('unknown operation ' .. op) end
            end
            return 1
            """;

    /* Moves due timers and expired leases to the in-flight set with a new lease; returns them. Atomic: one claimer. */
    static final String CLAIM = """
            local now = tonumber(ARGV[1])
            local lease_until = now + tonumber(ARGV[2])
            local n = tonumber(ARGV[3])
            local out = {}
            for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, n)) do
              redis.call('ZADD', KEYS[2], lease_until, m)
              out[#out + 1] = m
            end
            for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, n)) do
              redis.call('ZREM', KEYS[1], m)
              redis.call('ZADD', KEYS[2], lease_until, m)
              out[#out + 1] = m
            end
            return out
            """;

    private final ReactiveRedisDataSource redis;
    private final String prefix;
    private final long doneTtlSeconds;
    private final Scripts scripts;

    public StateStore(ReactiveRedisDataSource redis, JourneyConfig config) {
        this.redis = redis;
        this.prefix = config.redisPrefix();
        this.doneTtlSeconds = Math.max(1, config.processedTtl().toSeconds());
        this.scripts = new Scripts(redis);
    }

    /** A profile's stored state: version 0 and null JSON when absent. */
    public record Stored(String profileId, long version, String json) {
    }

    /** States read together with the record of an already processed cause (null when it is new). */
    public record Loaded(List<Stored> states, String done) {
    }

    /** A state to write: the version read, and the new JSON (null deletes). */
    public record Write(String profileId, long expectedVersion, String json) {
    }

    public String stateKey(String profileId) {
        return prefix + "{" + profileId + "}:state";
    }

    String doneKey(String profileId, String causeId) {
        return prefix + "{" + profileId + "}:done:" + causeId;
    }

    String timersKey() {
        return prefix + "timers";
    }

    String inflightKey() {
        return prefix + "timers:inflight";
    }

    String counterKey(String hash) {
        return prefix + "live:" + hash;
    }

    /** Reads the states of {@code profileIds} and whether {@code causeId} was processed, in one round trip. */
    public Uni<Loaded> load(List<String> profileIds, String causeId) {
        List<String> keys = new ArrayList<>();
        profileIds.forEach(p -> keys.add(stateKey(p)));
        keys.add(doneKey(profileIds.get(0), causeId));
        return scripts.eval(READ, keys, List.of()).map(r -> {
            List<Stored> states = new ArrayList<>();
            for (int i = 0; i < profileIds.size(); i++) {
                String v = r.get(2 * i).toString();
                String s = r.get(2 * i + 1).toString();
                states.add(new Stored(profileIds.get(i), v.isEmpty() ? 0 : Long.parseLong(v), s.isEmpty() ? null : s));
            }
            String done = r.get(2 * profileIds.size()).toString();
            return new Loaded(states, done.isEmpty() ? null : done);
        });
    }

    /**
     * Writes the states if none changed since they were read, records the cause as done (with {@code doneValue}),
     * applies the counter deltas and the timer changes. False when another writer was first: read again and retry.
     */
    public Uni<Boolean> commit(List<Write> writes, String causeId, String doneValue, Map<Counters.Key, Long> deltas,
            Set<Counters.Timer> addTimers, Set<Counters.Timer> removeTimers) {
        List<String> keys = new ArrayList<>();
        writes.forEach(w -> keys.add(stateKey(w.profileId())));
        keys.add(doneKey(writes.get(0).profileId(), causeId));
        List<String> args = new ArrayList<>();
        args.add(Integer.toString(writes.size()));
        args.add(doneValue == null ? "" : doneValue);
        args.add(Long.toString(doneTtlSeconds));
        for (Write w : writes) {
            args.add(Long.toString(w.expectedVersion()));
            args.add(Long.toString(w.expectedVersion() + 1));
            args.add(w.json() == null ? "" : w.json());
        }
        deltas.forEach((k, d) -> {
            args.add("H");
            args.add(counterKey(k.hash()));
            args.add(k.field());
            args.add(Long.toString(d));
        });
        for (Counters.Timer t : removeTimers) {
            args.add("ZR");
            args.add(timersKey());
            args.add(t.member());
        }
        for (Counters.Timer t : addTimers) {
            args.add("ZA");
            args.add(timersKey());
            args.add(Long.toString(t.dueMillis()));
            args.add(t.member());
        }
        return scripts.eval(COMMIT, keys, args).map(r -> r.toLong() == 1L);
    }

    /** Claims up to {@code batch} due timers for {@code leaseMillis}; no other replica gets them meanwhile. */
    public Uni<List<String>> claimDueTimers(long nowMillis, long leaseMillis, int batch) {
        return scripts.eval(CLAIM, List.of(timersKey(), inflightKey()),
                List.of(Long.toString(nowMillis), Long.toString(leaseMillis), Integer.toString(batch)))
                .map(r -> {
                    List<String> out = new ArrayList<>(r.size());
                    r.forEach(m -> out.add(m.toString()));
                    return out;
                });
    }

    /** Confirms a claimed timer was handled. */
    public Uni<Void> timerDone(String member) {
        return redis.execute("ZREM", inflightKey(), member).replaceWithVoid();
    }

    /** The due time of a pending timer, or null. */
    public Uni<Double> timerDue(String member) {
        return redis.execute("ZSCORE", timersKey(), member).map(r -> r == null ? null : r.toDouble());
    }

    /** The state JSON of a profile, or null. */
    public Uni<String> state(String profileId) {
        return redis.execute("HGET", stateKey(profileId), "s").map(r -> r == null ? null : r.toString());
    }

    /** The live counters of a journey ({@code stage:<id>}, {@code status:<status>}) or of the segments. */
    public Uni<Map<String, Long>> counters(String hash) {
        return redis.execute("HGETALL", counterKey(hash)).map(r -> {
            Map<String, Long> out = new HashMap<>();
            if (r == null) {
                return out;
            }
            if (r.type() == io.vertx.redis.client.ResponseType.MULTI && r.size() > 0 && r.getKeys().isEmpty()) {
                for (int i = 0; i + 1 < r.size(); i += 2) {
                    out.put(r.get(i).toString(), r.get(i + 1).toLong());
                }
            } else {
                for (String k : r.getKeys()) {
                    out.put(k, r.get(k).toLong());
                }
            }
            return out;
        });
    }
}
