package io.happypath.decision.cache;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.happypath.decision.config.DecisionConfig;
import io.happypath.decision.domain.ContactPolicy;
import io.happypath.decision.domain.PolicyPlan;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.quarkus.redis.datasource.sortedset.ReactiveSortedSetCommands;
import io.quarkus.redis.datasource.sortedset.ScoreRange;
import io.smallrye.mutiny.Uni;

/**
 * Contacts and outcomes per profile in sliding windows (Redis sorted sets scored by epoch millis), and the pauses
 * that suppression policies set. Keys: {@code contacts:<profile>:<counter>}, {@code outcomes:<profile>:<outcome>:
 * <counter>}, {@code pause:<profile>:<policy>:<counter>}; each profile's keys are listed in
 * {@code history-of:<profile>} so that they can be erased or folded into a merge survivor.
 */
@ApplicationScoped
public class ContactHistory {

    /** Contacts and outcomes older than this are never needed by a policy window. */
    static final Duration RETENTION = Duration.ofDays(400);

    /**
     * Adds a member to each window, trims what is older than the retention, and lists the keys under their profile.
     * KEYS: the windows, then the profile's list; ARGV: now, cutoff, retention (millis), then one member per window.
     */
    private static final String APPEND = """
            local index = KEYS[#KEYS]
            for i = 1, #KEYS - 1 do
              redis.call('ZADD', KEYS[i], ARGV[1], ARGV[3 + i])
              redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', '(' .. ARGV[2])
              redis.call('PEXPIRE', KEYS[i], ARGV[3])
              redis.call('SADD', index, KEYS[i])
            end
            redis.call('PEXPIRE', index, ARGV[3])
            return #KEYS - 1""";

    /**
     * Answers a decision's policy checks in one round trip: per key, {@code p} (is a pause set) or {@code c} (do the
     * contacts after {@code from} up to now reach {@code max}). ARGV: now, then kind, from, max per key.
     */
    private static final String REACHED = """
            local out = {}
            for i, key in ipairs(KEYS) do
              local kind = ARGV[3 * i - 1]
              if kind == 'p' then
                out[i] = redis.call('EXISTS', key)
              else
                local n = redis.call('ZCOUNT', key, '(' .. ARGV[3 * i], ARGV[1])
                out[i] = (n >= tonumber(ARGV[3 * i + 1])) and 1 or 0
              end
            end
            return out""";

    /** Sets a pause and lists it under its profile. */
    private static final String PAUSE = """
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            redis.call('SADD', KEYS[2], KEYS[1])
            redis.call('PEXPIRE', KEYS[2], ARGV[3])
            return 1""";

    /** Deletes every key listed under a profile, and the list. */
    private static final String ERASE = """
            local members = redis.call('SMEMBERS', KEYS[1])
            for _, key in ipairs(members) do redis.call('DEL', key) end
            redis.call('DEL', KEYS[1])
            return #members""";

    /**
     * Moves a profile's keys to another profile: windows are united (a contact counted by both counts once), a pause
     * is kept unless the survivor already has one. ARGV: prefix, from, to, retention millis.
     */
    private static final String FOLD = """
            local moved = 0
            for _, key in ipairs(redis.call('SMEMBERS', KEYS[1])) do
              for _, kind in ipairs({'contacts:', 'outcomes:', 'pause:'}) do
                local head = ARGV[1] .. kind .. ARGV[2] .. ':'
                if string.sub(key, 1, #head) == head then
                  local target = ARGV[1] .. kind .. ARGV[3] .. ':' .. string.sub(key, #head + 1)
                  local t = redis.call('TYPE', key).ok
                  if t == 'zset' then
                    redis.call('ZUNIONSTORE', target, 2, target, key, 'AGGREGATE', 'MAX')
                    redis.call('PEXPIRE', target, ARGV[4])
                    redis.call('SADD', KEYS[2], target)
                    moved = moved + 1
                  elseif t == 'string' then
                    local ttl = redis.call('PTTL', key)
                    if ttl > 0 then
                      redis.call('SET', target, redis.call('GET', key), 'PX', ttl, 'NX')
                      redis.call('SADD', KEYS[2], target)
                      moved = moved + 1
                    end
                  end
                  redis.call('DEL', key)
                end
              end
            end
            redis.call('DEL', KEYS[1])
            if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[4]) end
            return moved""";

    private final ReactiveRedisDataSource redis;
    private final ReactiveSortedSetCommands<String, String> zsets;
    private final ReactiveKeyCommands<String> keys;
    private final String prefix;

    public ContactHistory(ReactiveRedisDataSource redis, DecisionConfig config) {
        this.redis = redis;
        this.zsets = redis.sortedSet(String.class);
        this.keys = redis.key();
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

    /** A contact to count: an action shown, on a counter; {@code member} makes each contact count once. */
    public record Contact(String counter, String member) {
    }

    /** Whether each policy check has been reached for a profile now, in one round trip. */
    public Uni<List<Boolean>> reached(String profileId, List<PolicyPlan.Check> checks, Instant now) {
        if (checks.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<String> args = new ArrayList<>();
        List<String> argv = new ArrayList<>();
        args.add(REACHED);
        args.add(String.valueOf(checks.size()));
        argv.add(String.valueOf(now.toEpochMilli()));
        for (PolicyPlan.Check c : checks) {
            ContactPolicy p = c.policy();
            if (p.countsContacts()) {
                args.add(contactsKey(profileId, c.counter()));
                argv.add("c");
                argv.add(String.valueOf(now.minus(p.windowDuration()).toEpochMilli()));
                argv.add(String.valueOf(p.max()));
            } else {
                args.add(pauseKey(profileId, p.id(), c.counter()));
                argv.add("p");
                argv.add("0");
                argv.add("0");
            }
        }
        args.addAll(argv);
        return redis.execute("EVAL", args.toArray(String[]::new)).map(r -> {
            List<Boolean> out = new ArrayList<>(r.size());
            for (int i = 0; i < r.size(); i++) {
                out.add(r.get(i).toInteger() == 1);
            }
            return out;
        });
    }

    /** Records contacts (an action shown) on counters; {@code member} makes each contact count once. */
    public Uni<Void> recordContacts(String profileId, Collection<String> counters, String member, Instant now) {
        return recordContacts(profileId, counters.stream().map(c -> new Contact(c, member)).toList(), now);
    }

    /** Records contacts in one round trip. */
    public Uni<Void> recordContacts(String profileId, List<Contact> contacts, Instant now) {
        if (contacts.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<String> keys = new ArrayList<>();
        List<String> members = new ArrayList<>();
        for (Contact c : contacts) {
            keys.add(contactsKey(profileId, c.counter()));
            members.add(c.member());
        }
        return append(profileId, keys, members, now);
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
        return append(profileId, List.of(key), List.of(member), now)
                .chain(() -> zsets.zcount(key, range(now.minus(window), now)))
                .chain(count -> count < threshold
                        ? Uni.createFrom().item(false)
                        : redis.execute("EVAL", PAUSE, "2", pauseKey(profileId, policyId, counter),
                                indexKey(profileId), now.toString(), String.valueOf(pause.toMillis()),
                                String.valueOf(RETENTION.toMillis())).replaceWith(true));
    }

    /** Deletes a profile's contacts, outcomes and pauses (erasure); how many keys there were. */
    public Uni<Integer> erase(String profileId) {
        return redis.execute("EVAL", ERASE, "1", indexKey(profileId)).map(r -> r.toInteger());
    }

    /** Folds the contact history of {@code from} into {@code to} (a merge); how many keys were moved. */
    public Uni<Integer> fold(String from, String to) {
        return redis.execute("EVAL", FOLD, "2", indexKey(from), indexKey(to), prefix, from, to,
                String.valueOf(RETENTION.toMillis())).map(r -> r.toInteger());
    }

    private Uni<Void> append(String profileId, List<String> windows, List<String> members, Instant now) {
        long ms = now.toEpochMilli();
        List<String> args = new ArrayList<>();
        args.add(APPEND);
        args.add(String.valueOf(windows.size() + 1));
        args.addAll(windows);
        args.add(indexKey(profileId));
        args.add(String.valueOf(ms));
        args.add(String.valueOf(ms - RETENTION.toMillis()));
        args.add(String.valueOf(RETENTION.toMillis()));
        args.addAll(members);
        return redis.execute("EVAL", args.toArray(String[]::new)).replaceWithVoid();
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

    private String indexKey(String profileId) {
        return prefix + "history-of:" + profileId;
    }

}
