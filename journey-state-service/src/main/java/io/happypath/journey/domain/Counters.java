package io.happypath.journey.domain;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What a profile's state contributes to the live counters and the timer set. Applying an event, a stall, a merge
 * or an erasure changes the counters by {@code contributions(after) - contributions(before)}, computed in one place,
 * so every path keeps them consistent without scanning.
 */
public final class Counters {

    /** The logical hash of segment member counts. */
    public static final String SEGMENTS = "segments";

    private Counters() {
    }

    /** A counter: a Redis hash ({@code journey:<id>} or {@link #SEGMENTS}) and one of its fields. */
    public record Key(String hash, String field) {
    }

    public static String journeyHash(String journeyId) {
        return "journey:" + journeyId;
    }

    public static Map<Key, Long> contributions(ProfileState state) {
        Map<Key, Long> c = new HashMap<>();
        if (state == null) {
            return c;
        }
        state.journeys.forEach((journeyId, js) -> {
            String hash = journeyHash(journeyId);
            if (!ProfileState.EXITED.equals(js.status)) {
                c.merge(new Key(hash, "stage:" + js.stage), 1L, Long::sum);
            }
            c.merge(new Key(hash, "status:" + js.status), 1L, Long::sum);
        });
        for (String segment : state.segments) {
            c.merge(new Key(SEGMENTS, segment), 1L, Long::sum);
        }
        return c;
    }

    /** {@code after - before}, without zero entries. */
    public static Map<Key, Long> delta(Map<Key, Long> before, Map<Key, Long> after) {
        Map<Key, Long> d = new HashMap<>(after);
        before.forEach((k, v) -> d.merge(k, -v, Long::sum));
        d.values().removeIf(v -> v == 0);
        return d;
    }

    /** A pending stall timer of a profile: fires at {@code dueMillis} unless the stage changes first. */
    public record Timer(String member, long dueMillis) {
    }

    /** The timer member format: {@code profileId|journeyId|stage|enteredAtMillis} (ids never contain '|'). */
    public static String timerMember(String profileId, String journeyId, String stage, long enteredAtMillis) {
        return profileId + "|" + journeyId + "|" + stage + "|" + enteredAtMillis;
    }

    public static Set<Timer> timers(ProfileState state) {
        Set<Timer> t = new HashSet<>();
        if (state == null) {
            return t;
        }
        state.journeys.forEach((journeyId, js) -> {
            if (js.stallDueAt != null && ProfileState.ACTIVE.equals(js.status)) {
                t.add(new Timer(timerMember(state.profileId, journeyId, js.stage, js.enteredAt.toEpochMilli()),
                        js.stallDueAt.toEpochMilli()));
            }
        });
        return t;
    }
}
