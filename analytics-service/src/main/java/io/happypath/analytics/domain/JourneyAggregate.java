package io.happypath.analytics.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one profile's first stage entries contribute to the journey aggregates: the journeys it entered, a
 * stage-to-stage conversion for every pair of stages it entered in that order (with the time between), each
 * stage's rank in its order of first entries (SQL's {@code rank()}: ties share a rank), whose average over profiles
 * orders a funnel's stages, and its entries and conversions in the funnel's counts per day.
 */
public final class JourneyAggregate {

    private JourneyAggregate() {
    }

    /** A profile's first entry into a stage, and how many times it entered the stage in all. */
    public record Entry(String journeyId, String stage, Instant firstAt, int entries) {
    }

    /** A journey's stage. */
    public record StageKey(String journeyId, String stage) {
    }

    /** A profile entered {@code stage} at {@code enteredAt}, then {@code nextStage} at {@code convertedAt}. */
    public record Conversion(String journeyId, String stage, String nextStage, Instant enteredAt, Instant convertedAt) {
    }

    /** The journeys of {@code entries}, sorted. */
    public static Set<String> journeys(Collection<Entry> entries) {
        Set<String> out = new TreeSet<>();
        entries.forEach(e -> out.add(e.journeyId()));
        return out;
    }

    /** Every pair of stages of the same journey entered in that order (equal times count both ways). */
    public static Set<Conversion> conversions(List<Entry> entries) {
        Set<Conversion> out = new HashSet<>();
        for (Entry e : entries) {
            for (Entry n : entries) {
                if (e.journeyId().equals(n.journeyId()) && !e.stage().equals(n.stage())
                        && !n.firstAt().isBefore(e.firstAt())) {
                    out.add(new Conversion(e.journeyId(), e.stage(), n.stage(), e.firstAt(), n.firstAt()));
                }
            }
        }
        return out;
    }

    /** Each stage's rank: 1 + the number of stages of the same journey entered strictly earlier. */
    public static Map<StageKey, Long> ranks(List<Entry> entries) {
        Map<StageKey, Long> out = new HashMap<>();
        for (Entry e : entries) {
            long earlier = entries.stream()
                    .filter(o -> o.journeyId().equals(e.journeyId()) && o.firstAt().isBefore(e.firstAt())).count();
            out.put(new StageKey(e.journeyId(), e.stage()), 1 + earlier);
        }
        return out;
    }

    /** Changes to the per-stage profile counts and rank sums, added up over profiles before they are written. */
    public static final class RankDelta {

        private final Map<StageKey, long[]> changes = new HashMap<>();

        /** Adds ({@code sign} 1) or removes ({@code sign} −1) a profile's ranks. */
        public RankDelta add(List<Entry> entries, int sign) {
            ranks(entries).forEach((k, rank) -> {
                long[] c = changes.computeIfAbsent(k, x -> new long[2]);
                c[0] += sign;
                c[1] += sign * rank;
            });
            return this;
        }

        /** Per stage: {profiles, rank sum} changes, without the stages that do not change. */
        public Map<StageKey, long[]> changes() {
            changes.values().removeIf(c -> c[0] == 0 && c[1] == 0);
            return changes;
        }
    }

    /** A value counted once ({@code sign} 1) or taken away ({@code sign} −1). */
    public record Signed<T>(T value, int sign) {
    }

    /**
     * Changes to the funnel's counts per day: the entries and conversions a profile no longer has are taken away,
     * the ones it has now are added; what did not change is left out.
     */
    public static final class DayDelta {

        private final List<Signed<Entry>> entries = new ArrayList<>();
        private final List<Signed<Conversion>> conversions = new ArrayList<>();

        /** Adds the change of one profile from {@code before} to {@code after} (entries and their conversions). */
        public DayDelta add(Collection<Entry> before, Collection<Entry> after, Set<Conversion> conversionsBefore,
                Set<Conversion> conversionsAfter) {
            changes(before, after, entries);
            changes(conversionsBefore, conversionsAfter, conversions);
            return this;
        }

        private static <T> void changes(Collection<T> before, Collection<T> after, List<Signed<T>> out) {
            before.stream().filter(x -> !after.contains(x)).forEach(x -> out.add(new Signed<>(x, -1)));
            after.stream().filter(x -> !before.contains(x)).forEach(x -> out.add(new Signed<>(x, 1)));
        }

        public List<Signed<Entry>> entries() {
            return entries;
        }

        public List<Signed<Conversion>> conversions() {
            return conversions;
        }
    }
}
