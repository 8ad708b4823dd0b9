package io.happypath.analytics.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;

import org.junit.jupiter.api.Test;

class TimeRangeTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    @Test
    void parsesInstantsOffsetsAndDatesWithDefaults() {
        assertEquals(new TimeRange(Instant.parse("2026-10-24T12:00:00Z"), NOW), TimeRange.parse(null, null, NOW));
        assertEquals(new TimeRange(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-11-02T10:00:00Z")),
                TimeRange.parse("2026-11-01", "2026-11-02T12:00:00+02:00", NOW));
    }

    @Test
    void wholeDaysLieInsideTheRange() {
        TimeRange.WholeDays days = new TimeRange(Instant.parse("2026-11-01T05:00:00Z"), Instant.parse("2026-11-04T07:00:00Z"))
                .wholeDays();
        assertEquals(new TimeRange.WholeDays(LocalDate.parse("2026-11-02"), LocalDate.parse("2026-11-04")), days);
        assertEquals(Instant.parse("2026-11-02T00:00:00Z"), days.from());
        assertEquals(Instant.parse("2026-11-04T00:00:00Z"), days.to());
        assertEquals(new TimeRange.WholeDays(LocalDate.parse("2026-11-01"), LocalDate.parse("2026-11-02")),
                new TimeRange(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-11-02T00:00:00Z")).wholeDays());
        assertTrue(new TimeRange(Instant.parse("2026-11-01T05:00:00Z"), Instant.parse("2026-11-02T04:00:00Z")).wholeDays()
                .isEmpty());
        assertTrue(new TimeRange(Instant.parse("2026-11-01T05:00:00Z"), Instant.parse("2026-11-01T06:00:00Z")).wholeDays()
                .isEmpty());
    }

    @Test
    void rejectsMalformedDatesNamingTheParameter() {
        InvalidParameter e = assertThrows(InvalidParameter.class, () -> TimeRange.parse("yesterday", null, NOW));
        assertEquals("from", e.parameter());
        assertEquals("invalid_parameter", e.code());
        assertEquals("to", assertThrows(InvalidParameter.class, () -> TimeRange.parse(null, "2026-13-01", NOW)).parameter());
    }

    @Test
    void rejectsFromAfterTo() {
        InvalidParameter e = assertThrows(InvalidParameter.class, () -> TimeRange.parse("2026-11-02", "2026-11-01", NOW));
        assertEquals("invalid_range", e.code());
    }

    @Test
    void integerParametersStayWithinTheirBounds() {
        assertEquals(5, InvalidParameter.intParam("steps", null, 5, 2, 10));
        assertEquals(10, InvalidParameter.intParam("steps", "10", 5, 2, 10));
        assertThrows(InvalidParameter.class, () -> InvalidParameter.intParam("steps", "1", 5, 2, 10));
        assertThrows(InvalidParameter.class, () -> InvalidParameter.intParam("steps", "11", 5, 2, 10));
        assertThrows(InvalidParameter.class, () -> InvalidParameter.intParam("top", "x", 8, 1, 50));
    }
}
