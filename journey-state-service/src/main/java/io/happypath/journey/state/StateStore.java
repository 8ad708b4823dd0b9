package io.happypath.journey.state;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.happypath.journey.config.JourneyConfig;
import io.happypath.journey.domain.Counters;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * The live state in Redis. One hash per profile: {@code v} (version), {@code s} (JSON state) and, until their
 * publication is confirmed, {@code o:<causeId>} (the JSON of the events a cause produced: an outbox). A profile merged
 * into another keeps, for a while, a hash with only {@code v} and {@code m} (the survivor): a redirect, so that its
 * events still in flight reach the survivor's state. Every change is
 * one Lua script run that compares versions, writes the states and the outbox entries, records a cause whose state
 * is gone, moves the live counters and the stall timers: all or nothing. Many profiles are read, and many changes
 * written, in one pipelined round trip each.
 *
 * <p>
 * Keys carry the profile id as a hash tag ({@code hp:js:{profileId}:state}) so a Redis Cluster keeps a profile's keys
 * on one slot. Counters, the timer set and the back-fill job are shared keys.
 */
@ApplicationScoped
public class StateStore {

    /** The prefix of the outbox fields of a state hash. */
    public static final String OUTPUT_FIELD_PREFIX = "o:";

    /** How many redirects a read follows: merges chain (a into b, b into c), but never in a cycle. */
    static final int MAX_REDIRECTS = 16;

    /*
     * KEYS: n state keys, then the done key. ARGV[1] = n, ARGV[2] = done value, ARGV[3] = done ttl (s), ARGV[4] =
     * redirect ttl (s); then per state: expected version, new version, new json ('' deletes), survivor ('' none: a
     * deleted state leaves a redirect to it otherwise); then operations: H hash field delta (counter), ZA key score
     * member, ZR key member (timers), F field value (an outbox entry on the first state).
     */
    static final String COMMIT = """
            local n = tonumber(ARGV[1])
            for i = 1, n do
              local v = redis.call('HGET', KEYS[i], 'v') or '0'
              if v ~= ARGV[4 + (i - 1) * 4 + 1] then return 0 end
            end
            for i = 1, n do
              local base = 4 + (i - 1) * 4
              if ARGV[base + 3] == '' then
                redis.call('DEL', KEYS[i])
                if ARGV[base + 4] ~= '' then
                  redis.call('HSET', KEYS[i], 'v', ARGV[base + 2], 'm', ARGV[base + 4])
                  redis.call('EXPIRE', KEYS[i], ARGV[4])
                end
              else
                redis.call('HSET', KEYS[i], 'v', ARGV[base + 2], 's', ARGV[base + 3])
              end
            end
            if ARGV[2] ~= '' then redis.call('SET', KEYS[n + 1], ARGV[2], 'EX', ARGV[3]) end
            local i = 5 + n * 4
            while i <= #ARGV do
              local op = ARGV[i]
              if op == 'H' then
                if redis.call('HINCRBY', ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]) <= 0 then
                  redis.call('HDEL', ARGV[i + 1], ARGV[i + 2])
                end
                i = i + 4
              elseif op == 'ZA' then redis.call('ZADD', ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]); i = i + 4
              elseif op == 'ZR' then redis.call('ZREM', ARGV[i + 1], ARGV[i + 2]); i = i + 3
              elseif op == 'F' then redis.call('HSET', KEYS[1], ARGV[i + 1], ARGV[i + 2]); i = i + 3
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

    /* KEYS: job hash. ARGV: wanted, now. Asks for a back-fill unless it is asked for or done already. */
    static final String BACKFILL_REQUEST = """
            local wanted = ARGV[1]
            if redis.call('HGET', KEYS[1], 'request') == wanted or redis.call('HGET', KEYS[1], 'done') == wanted then
              return 0
            end
            redis.call('HSET', KEYS[1], 'request', wanted, 'requestedAt', ARGV[2])
            return 1
            """;

    /* KEYS: lease. ARGV: owner, lease ms. Takes the lease, or extends it when already ours. */
    static final String LEASE = """
            if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
            if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]); return 1 end
            return 0
            """;

    /*
     * KEYS: job hash, lease. ARGV: owner, lease ms, run (what the run is for), request seen at its start, cursor.
     * Saves a back-fill's progress while the lease is ours and nobody asked for another one; cursor '0' finishes it.
     */
    static final String BACKFILL_PROGRESS = """
            if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
            redis.call('PEXPIRE', KEYS[2], ARGV[2])
            local request = redis.call('HGET', KEYS[1], 'request') or ''
            if ARGV[5] ~= '0' then
              if request ~= ARGV[4] then return 0 end
              redis.call('HSET', KEYS[1], 'runFor', ARGV[3], 'cursor', ARGV[5])
              return 1
            end
            redis.call('HSET', KEYS[1], 'done', ARGV[3], 'runFor', ARGV[3], 'cursor', '0')
            if request == ARGV[4] then redis.call('HSET', KEYS[1], 'request', ARGV[3]) end
            redis.call('DEL', KEYS[2])
            return 1
            """;

    private final ReactiveRedisDataSource redis;
    private final String prefix;
    private final long doneTtlSeconds;
    private final long redirectTtlSeconds;
    private final Scripts scripts;

    public StateStore(ReactiveRedisDataSource redis, JourneyConfig config) {
        this.redis = redis;
        this.prefix = config.redisPrefix();
        this.doneTtlSeconds = Math.max(1, config.processedTtl().toSeconds());
        this.redirectTtlSeconds = Math.max(1, config.mergeRedirectTtl().toSeconds());
        this.scripts = new Scripts(redis.getRedis());
    }

    /** What to read of a profile: its state and the outbox entries of these causes. */
    public record Read(String profileId, List<String> causeIds) {
    }

    /**
     * A profile's stored state (version 0 and null JSON when absent), the survivor it was merged into (a redirect: no
     * JSON then, else null) and the pending outbox entries asked for (cause id → JSON), which are there only when the
     * cause was applied but its publication not confirmed.
     */
    public record Stored(String profileId, long version, String json, String mergedInto,
            Map<String, String> pendingOutputs) {
    }

    /** States read together with the record of a cause whose state is gone (null when there is none). */
    public record Loaded(List<Stored> states, String done) {
    }

    /**
     * A state to write: the version read, and the new JSON (null deletes; a deleted state leaves a redirect to
     * {@code mergedInto} when that is set).
     */
    public record Write(String profileId, long expectedVersion, String json, String mergedInto) {

        public Write(String profileId, long expectedVersion, String json) {
            this(profileId, expectedVersion, json, null);
        }
    }

    /**
     * One atomic change: states compared and written; outbox entries (cause id → JSON) added to the first state; a
     * done record for {@code doneCauseId} when {@code doneValue} is set (the first state is deleted); counters moved;
     * timers added and removed.
     */
    public record Commit(List<Write> writes, Map<String, String> outputs, String doneCauseId, String doneValue,
            Map<Counters.Key, Long> deltas, Set<Counters.Timer> addTimers, Set<Counters.Timer> removeTimers) {
    }

    /** One SCAN step: the next cursor ("0" when done) and the profile ids found. */
    public record Scan(String cursor, List<String> profileIds) {
    }

    /** A back-fill's state: what is asked for, since when, what the current run is for, its cursor, what is done. */
    public record BackfillJob(String request, long requestedAt, String runFor, String cursor, String done) {

        public boolean pending() {
            return request != null && !request.equals(done);
        }
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

    String backfillKey() {
        return prefix + "segments:backfill";
    }

    String backfillLeaseKey() {
        return prefix + "segments:backfill:lease";
    }

    /** Reads states with some of their outbox entries, all in one pipelined round trip. */
    public Uni<List<Stored>> read(List<Read> reads) {
        List<Request> requests = new ArrayList<>(reads.size());
        for (Read r : reads) {
            requests.add(hmget(r));
        }
        return scripts.batch(requests).map(responses -> {
            List<Stored> out = new ArrayList<>(reads.size());
            for (int i = 0; i < reads.size(); i++) {
                out.add(stored(reads.get(i), responses.get(i)));
            }
            return out;
        });
    }

    /**
     * Reads the states of {@code profileIds}, the first one's outbox entry of {@code causeId}, and whether the cause
     * was recorded as done (its state is gone), in one round trip.
     */
    public Uni<Loaded> load(List<String> profileIds, String causeId) {
        List<Read> reads = new ArrayList<>();
        List<Request> requests = new ArrayList<>();
        for (int i = 0; i < profileIds.size(); i++) {
            Read r = new Read(profileIds.get(i), i == 0 ? List.of(causeId) : List.of());
            reads.add(r);
            requests.add(hmget(r));
        }
        requests.add(Request.cmd(Command.GET).arg(doneKey(profileIds.get(0), causeId)));
        return scripts.batch(requests).map(responses -> {
            List<Stored> states = new ArrayList<>();
            for (int i = 0; i < reads.size(); i++) {
                states.add(stored(reads.get(i), responses.get(i)));
            }
            Response done = responses.get(reads.size());
            return new Loaded(states, done == null ? null : done.toString());
        });
    }

    private Request hmget(Read r) {
        Request req = Request.cmd(Command.HMGET).arg(stateKey(r.profileId())).arg("v").arg("s").arg("m");
        r.causeIds().forEach(c -> req.arg(OUTPUT_FIELD_PREFIX + c));
        return req;
    }

    private static Stored stored(Read read, Response r) {
        Response v = r.get(0);
        Response s = r.get(1);
        Response m = r.get(2);
        Map<String, String> pending = Map.of();
        for (int i = 0; i < read.causeIds().size(); i++) {
            Response o = r.get(3 + i);
            if (o != null) {
                if (pending.isEmpty()) {
                    pending = new HashMap<>();
                }
                pending.put(read.causeIds().get(i), o.toString());
            }
        }
        return new Stored(read.profileId(), v == null ? 0 : Long.parseLong(v.toString()), s == null ? null : s.toString(),
                s == null && m != null ? m.toString() : null, pending);
    }

    /**
     * Runs the commits in one pipelined round trip; each is atomic on its own. An element is false when another
     * writer changed one of its states since they were read: read again and retry that one.
     */
    public Uni<List<Boolean>> commit(List<Commit> commits) {
        List<Request> requests = new ArrayList<>(commits.size());
        commits.forEach(c -> requests.add(commitRequest(c)));
        return scripts.batch(requests).map(responses -> {
            List<Boolean> ok = new ArrayList<>(responses.size());
            responses.forEach(r -> ok.add(r.toLong() == 1L));
            return ok;
        });
    }

    public Uni<Boolean> commit(Commit commit) {
        return commit(List.of(commit)).map(ok -> ok.get(0));
    }

    private Request commitRequest(Commit c) {
        List<String> keys = new ArrayList<>(c.writes().size() + 1);
        c.writes().forEach(w -> keys.add(stateKey(w.profileId())));
        String first = c.writes().get(0).profileId();
        keys.add(doneKey(first, c.doneCauseId() == null ? "-" : c.doneCauseId()));
        List<String> args = new ArrayList<>();
        args.add(Integer.toString(c.writes().size()));
        args.add(c.doneValue() == null ? "" : c.doneValue());
        args.add(Long.toString(doneTtlSeconds));
        args.add(Long.toString(redirectTtlSeconds));
        for (Write w : c.writes()) {
            args.add(Long.toString(w.expectedVersion()));
            args.add(Long.toString(w.expectedVersion() + 1));
            args.add(w.json() == null ? "" : w.json());
            args.add(w.json() == null && w.mergedInto() != null ? w.mergedInto() : "");
        }
        c.deltas().forEach((k, d) -> {
            args.add("H");
            args.add(counterKey(k.hash()));
            args.add(k.field());
            args.add(Long.toString(d));
        });
        for (Counters.Timer t : c.removeTimers()) {
            args.add("ZR");
            args.add(timersKey());
            args.add(t.member());
        }
        for (Counters.Timer t : c.addTimers()) {
            args.add("ZA");
            args.add(timersKey());
            args.add(Long.toString(t.dueMillis()));
            args.add(t.member());
        }
        c.outputs().forEach((cause, json) -> {
            args.add("F");
            args.add(OUTPUT_FIELD_PREFIX + cause);
            args.add(json);
        });
        return scripts.evalsha(COMMIT, keys, args);
    }

    /** Removes outbox entries whose publication was confirmed (profile id → cause ids), in one round trip. */
    public Uni<Void> confirmPublished(Map<String, List<String>> causesByProfile) {
        List<Request> requests = new ArrayList<>();
        causesByProfile.forEach((profileId, causes) -> {
            if (!causes.isEmpty()) {
                Request r = Request.cmd(Command.HDEL).arg(stateKey(profileId));
                causes.forEach(c -> r.arg(OUTPUT_FIELD_PREFIX + c));
                requests.add(r);
            }
        });
        return scripts.batch(requests).replaceWithVoid();
    }

    /** One step of a SCAN over the state keys of this service. */
    public Uni<Scan> scanStates(String cursor, int count) {
        String head = prefix + "{";
        String tail = "}:state";
        return scripts.batch(List.of(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(head + "*" + tail)
                .arg("COUNT").arg(count))).map(responses -> {
                    Response r = responses.get(0);
                    List<String> ids = new ArrayList<>();
                    for (Response key : r.get(1)) {
                        String k = key.toString();
                        if (k.startsWith(head) && k.endsWith(tail) && k.length() > head.length() + tail.length()) {
                            ids.add(k.substring(head.length(), k.length() - tail.length()));
                        }
                    }
                    return new Scan(r.get(0).toString(), ids);
                });
    }

    /** Asks for a segment back-fill for the segment set {@code fingerprint}, unless asked for or done already. */
    public Uni<Boolean> requestBackfill(String fingerprint, long nowMillis) {
        return scripts.eval(BACKFILL_REQUEST, List.of(backfillKey()), List.of(fingerprint, Long.toString(nowMillis)))
                .map(r -> r.toLong() == 1L);
    }

    public Uni<BackfillJob> backfillJob() {
        return scripts.batch(List.of(Request.cmd(Command.HMGET).arg(backfillKey()).arg("request").arg("requestedAt")
                .arg("runFor").arg("cursor").arg("done"))).map(responses -> {
                    Response r = responses.get(0);
                    return new BackfillJob(text(r.get(0)), r.get(1) == null ? 0 : Long.parseLong(r.get(1).toString()),
                            text(r.get(2)), text(r.get(3)), text(r.get(4)));
                });
    }

    /** Takes (or extends) the back-fill lease for {@code owner}. */
    public Uni<Boolean> leaseBackfill(String owner, long leaseMillis) {
        return scripts.eval(LEASE, List.of(backfillLeaseKey()), List.of(owner, Long.toString(leaseMillis)))
                .map(r -> r.toLong() == 1L);
    }

    /**
     * Saves a back-fill's cursor (extending the lease); cursor "0" marks {@code runFor} done. False when the lease is
     * no longer ours or another back-fill was asked for since {@code requestAtStart}: stop, the next poll starts over.
     */
    public Uni<Boolean> backfillProgress(String owner, long leaseMillis, String runFor, String requestAtStart,
            String cursor) {
        return scripts.eval(BACKFILL_PROGRESS, List.of(backfillKey(), backfillLeaseKey()),
                List.of(owner, Long.toString(leaseMillis), runFor, requestAtStart == null ? "" : requestAtStart, cursor))
                .map(r -> r.toLong() == 1L);
    }

    private static String text(Response r) {
        return r == null ? null : r.toString();
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

    /**
     * The state JSON of a profile, or null. A profile merged into another answers with its survivor's state (as
     * identity-service answers with the survivor's profile): whoever still holds the merged id, such as a consumer of
     * an event published just before the merge, reads the state that now holds its history.
     */
    public Uni<String> state(String profileId) {
        return state(profileId, 0);
    }

    private Uni<String> state(String profileId, int hops) {
        return redis.execute("HMGET", stateKey(profileId), "s", "m").flatMap(r -> {
            if (r.get(0) != null) {
                return Uni.createFrom().item(r.get(0).toString());
            }
            if (r.get(1) == null || hops >= MAX_REDIRECTS) {
                return Uni.createFrom().nullItem();
            }
            return state(r.get(1).toString(), hops + 1);
        });
    }

    /** The live counters of a journey ({@code stage:<id>}, {@code status:<status>}) or of the segments. */
    public Uni<Map<String, Long>> counters(String hash) {
        return redis.execute("HGETALL", counterKey(hash)).map(r -> {
            Map<String, Long> out = new LinkedHashMap<>();
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
