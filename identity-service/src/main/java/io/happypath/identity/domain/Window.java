package io.happypath.identity.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * The time window of an identifier limit (Segment Unify): only identifiers of a type seen within the window count
 * against its limit, so rotating ids (anonymous ids) can be limited per week or month while immutable ones count
 * forever.
 */
public enum Window {

    EVER(null), ANNUALLY(Duration.ofDays(365)), MONTHLY(Duration.ofDays(30)), WEEKLY(Duration.ofDays(7));

    private final Duration length;

    Window(Duration length) {
        this.length = length;
    }

    /** Whether an identifier last seen at {@code lastSeen} still counts at {@code now}. */
    public boolean counts(Instant lastSeen, Instant now) {
        return length == null || lastSeen == null || !lastSeen.isBefore(now.minus(length));
    }

    /** Parses {@code ever}, {@code annually}, {@code monthly} or {@code weekly} (any case). */
    public static Window parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown limit window '" + text + "': use ever, annually, monthly or weekly");
        }
    }
}
