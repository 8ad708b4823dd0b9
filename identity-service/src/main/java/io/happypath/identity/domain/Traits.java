package io.happypath.identity.domain;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Profile traits merged per key, newest timestamp wins: an identify sent late by an offline app does not overwrite
 * what a newer event already said.
 *
 * @param values the traits
 * @param times when each trait was last set (ISO-8601), by the timestamp of the event that set it
 */
public record Traits(Map<String, Object> values, Map<String, String> times) {

    public Traits {
        values = values == null ? new LinkedHashMap<>() : new LinkedHashMap<>(values);
        times = times == null ? new LinkedHashMap<>() : new LinkedHashMap<>(times);
    }

    public static Traits empty() {
        return new Traits(Map.of(), Map.of());
    }

    /** These traits with {@code update} applied: each key is taken unless this one holds a newer value. */
    public Traits with(Map<String, Object> update, Instant at) {
        Traits result = new Traits(values, times);
        if (update == null) {
            return result;
        }
        String when = at.toString();
        update.forEach((key, value) -> {
            String current = result.times.get(key);
            if (current == null || !Instant.parse(current).isAfter(at)) {
                result.values.put(key, value);
                result.times.put(key, when);
            }
        });
        return result;
    }

    /** The union of two profiles' traits, newest per key. */
    public Traits merge(Traits other) {
        Traits result = new Traits(values, times);
        other.values.forEach((key, value) -> {
            String theirs = other.times.get(key);
            String ours = result.times.get(key);
            if (ours == null || (theirs != null && Instant.parse(theirs).isAfter(Instant.parse(ours)))) {
                result.values.put(key, value);
                if (theirs != null) {
                    result.times.put(key, theirs);
                }
            }
        });
        return result;
    }

    /** The traits set after {@code since}, overlaid on {@code base}: what an undo keeps of the newer updates. */
    public Traits newerThan(Instant since, Traits base) {
        Traits result = new Traits(base.values, base.times);
        times.forEach((key, when) -> {
            if (Instant.parse(when).isAfter(since)) {
                result.values.put(key, values.get(key));
                result.times.put(key, when);
            }
        });
        return result;
    }
}
