package io.happypath.analytics.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.happypath.analytics.domain.JourneyAggregate.Conversion;
import io.happypath.analytics.domain.JourneyAggregate.Entry;
import io.happypath.analytics.domain.JourneyAggregate.StageKey;

class JourneyAggregateTest {

    static final Instant T = Instant.parse("2026-11-01T00:00:00Z");

    static final List<Entry> ENTRIES = List.of(new Entry("j", "a", T, 1), new Entry("j", "b", T.plusSeconds(60), 1),
            new Entry("j", "c", T.plusSeconds(60), 2), new Entry("k", "x", T.plusSeconds(5), 1));

    @Test
    void ranksLikeSqlRankPerJourney() {
        assertEquals(Map.of(new StageKey("j", "a"), 1L, new StageKey("j", "b"), 2L, new StageKey("j", "c"), 2L,
                new StageKey("k", "x"), 1L), JourneyAggregate.ranks(ENTRIES));
    }

    @Test
    void conversionsForEveryLaterStageOfTheSameJourneyTiesBothWays() {
        Set<Conversion> c = JourneyAggregate.conversions(ENTRIES);
        assertEquals(4, c.size());
        assertTrue(c.contains(new Conversion("j", "a", "b", T, T.plusSeconds(60))));
        assertTrue(c.contains(new Conversion("j", "b", "c", T.plusSeconds(60), T.plusSeconds(60))));
        assertTrue(c.contains(new Conversion("j", "c", "b", T.plusSeconds(60), T.plusSeconds(60))));
    }

    @Test
    void dayDeltaTakesAwayWhatIsGoneAndAddsWhatIsNew() {
        List<Entry> after = List.of(ENTRIES.get(0), ENTRIES.get(1), new Entry("j", "c", T.plusSeconds(60), 3),
                ENTRIES.get(3));
        JourneyAggregate.DayDelta delta = new JourneyAggregate.DayDelta().add(ENTRIES, after,
                JourneyAggregate.conversions(ENTRIES), JourneyAggregate.conversions(after));
        assertEquals(List.of(new JourneyAggregate.Signed<>(ENTRIES.get(2), -1), new JourneyAggregate.Signed<>(after.get(2), 1)),
                delta.entries());
        assertTrue(delta.conversions().isEmpty(), "the times did not change");

        List<Entry> later = List.of(ENTRIES.get(0), new Entry("j", "b", T.plusSeconds(90), 1));
        delta = new JourneyAggregate.DayDelta().add(ENTRIES.subList(0, 2), later,
                JourneyAggregate.conversions(ENTRIES.subList(0, 2)), JourneyAggregate.conversions(later));
        assertEquals(List.of(new JourneyAggregate.Signed<>(new Conversion("j", "a", "b", T, T.plusSeconds(60)), -1),
                new JourneyAggregate.Signed<>(new Conversion("j", "a", "b", T, T.plusSeconds(90)), 1)), delta.conversions());
    }

    @Test
    void rankDeltaOfTheSameEntriesIsNothing() {
        assertTrue(new JourneyAggregate.RankDelta().add(ENTRIES, 1).add(ENTRIES, -1).changes().isEmpty());
        Map<StageKey, long[]> changes = new JourneyAggregate.RankDelta().add(ENTRIES, 1).changes();
        assertEquals(2, changes.get(new StageKey("j", "c"))[1]);
        assertEquals(Set.of("j", "k"), JourneyAggregate.journeys(ENTRIES));
    }
}
