package io.happypath.analytics.domain;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * A half-open time range {@code [from, to)} of a query. Bounds are ISO-8601 instants
 * ({@code 2026-11-01T00:00:00Z}, an offset is allowed) or dates ({@code 2026-11-01}, midnight UTC).
 */
public record TimeRange(Instant from, Instant to) {

    /** When no {@code from} is given: this long before {@code to}. */
    public static final Duration DEFAULT_SPAN = Duration.ofDays(30);

    public TimeRange {
        if (from.isAfter(to)) {
            throw new IllegalArgumentException("from (" + from + ") is after to (" + to + ")");
        }
    }

    /**
     * The whole UTC days inside the range, {@code [firstDay, endDay)}; {@code firstDay} equals {@code endDay} when the
     * range holds no whole day.
     */
    public record WholeDays(LocalDate firstDay, LocalDate endDay) {

        public boolean isEmpty() {
            return !firstDay.isBefore(endDay);
        }

        /** The start of the first whole day. */
        public Instant from() {
            return firstDay.atStartOfDay(ZoneOffset.UTC).toInstant();
        }

        /** The end of the last whole day. */
        public Instant to() {
            return endDay.atStartOfDay(ZoneOffset.UTC).toInstant();
        }
    }

    /** The whole UTC days inside this range. */
    public WholeDays wholeDays() {
        LocalDate firstDay = from.atZone(ZoneOffset.UTC).toLocalDate();
        if (!firstDay.atStartOfDay(ZoneOffset.UTC).toInstant().equals(from)) {
            firstDay = firstDay.plusDays(1);
        }
        LocalDate endDay = to.atZone(ZoneOffset.UTC).toLocalDate();
        return new WholeDays(firstDay, endDay.isBefore(firstDay) ? firstDay : endDay);
    }

    /**
     * Parses the query parameters; a missing {@code to} is {@code now}, a missing {@code from} is
     * {@link #DEFAULT_SPAN} before {@code to}.
     *
     * @throws InvalidParameter naming the parameter that is malformed, or {@code from} when it is after {@code to}
     */
    public static TimeRange parse(String from, String to, Instant now) {
        Instant end = blank(to) ? now : instant("to", to);
        Instant start = blank(from) ? end.minus(DEFAULT_SPAN) : instant("from", from);
        if (start.isAfter(end)) {
            throw new InvalidParameter("invalid_range", "from",
                    "'from' (" + start + ") must not be after 'to' (" + end + ")");
        }
        return new TimeRange(start, end);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static Instant instant(String name, String value) {
        try {
            if (value.length() == 10) {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidParameter("invalid_parameter", name, "'" + name + "' must be an ISO-8601 date-time "
                    + "(2026-11-01T00:00:00Z) or date (2026-11-01), was '" + value + "'");
        }
    }
}
