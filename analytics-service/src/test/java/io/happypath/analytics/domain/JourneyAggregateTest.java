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

    static final List<Entry> ENTRIES = List.of(new Entry("j", "a", T), new Entry("j", "b", T.plusSeconds(60)),
            new Entry("j", "c", T.plusSeconds(60)), new Entry("k", "x", T.plusSeconds(5)));

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
    void rankDeltaOfTheSameEntriesIsNothing() {
        assertTrue(new JourneyAggregate.RankDelta().add(ENTRIES, 1).add(ENTRIES, -1).changes().isEmpty());
        Map<StageKey, long[]> changes = new JourneyAggregate.RankDelta().add(ENTRIES, 1).changes();
        assertEquals(2, changes.get(new StageKey("j", "c"))[1]);
        assertEquals(Set.of("j", "k"), JourneyAggregate.journeys(ENTRIES));
    }
}
