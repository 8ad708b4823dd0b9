package io.happypath.analytics.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

class PathAggregateTest {

    static final String[][] STEPS = {{"web", "View"}, {"web", "Cart"}, {"app", "Login"}, {"store", "Buy"}, {"email", "Open"}};

    static PathRuns random(Random r, Instant start) {
        List<PathRuns.Step> steps = new ArrayList<>();
        int n = 1 + r.nextInt(15);
        for (int i = 0; i < n; i++) {
            String[] s = STEPS[r.nextInt(STEPS.length)];
            steps.add(new PathRuns.Step("e" + i, start.plusSeconds(60L * i), s[0], s[1]));
        }
        return PathRuns.of(steps);
    }

    @Test
    void addingAndRemovingAPathLeavesNothing() {
        Random r = new Random(1);
        PathRuns p = random(r, Instant.parse("2026-11-01T23:59:00Z"));
        PathAggregate.Delta d = new PathAggregate.Delta().add(p, Set.of("j1", "j2"), 1).add(p, Set.of("j1", "j2"), -1);
        assertTrue(d.isEmpty());
    }

    @Test
    void countsPerJourneyAndKind() {
        PathRuns p = PathRuns.of(List.of(new PathRuns.Step("a", Instant.parse("2026-11-01T10:00:00Z"), "web", "View"),
                new PathRuns.Step("b", Instant.parse("2026-11-02T10:00:00Z"), "web", "Cart")));
        PathAggregate.Delta d = new PathAggregate.Delta().add(p, Set.of("j"), 1);
        // Two journeys keys ("" and j) × (channel: 1 node; event: 2 nodes; channel_event: 2 nodes).
        assertEquals(2 * 5, d.nodes().size());
        assertEquals(2 * 2, d.links().size(), "the channel kind collapses web → web into one step");
        assertTrue(d.nodes().containsKey(new PathAggregate.NodeKey("", "channel_event",
                java.time.LocalDate.parse("2026-11-01"), 1, "web · Cart")), "counted under the day the path started");
    }

    @Test
    void sameCountsLooksOnlyAtTheStartDayAndTheFirstPositions() {
        List<PathRuns.Step> steps = new ArrayList<>();
        Instant t = Instant.parse("2026-11-01T10:00:00Z");
        for (int i = 0; i < 12; i++) {
            steps.add(new PathRuns.Step("e" + i, t.plusSeconds(i), i % 2 == 0 ? "web" : "app", "E" + i));
        }
        PathRuns twelve = PathRuns.of(steps);
        steps.add(new PathRuns.Step("z", t.plusSeconds(100), "store", "Buy"));
        assertTrue(PathAggregate.sameCounts(twelve, PathRuns.of(steps)), "a 13th step changes no count");
        assertFalse(PathAggregate.sameCounts(PathRuns.of(steps.subList(0, 3)), PathRuns.of(steps.subList(0, 4))));
        assertFalse(PathAggregate.sameCounts(PathRuns.EMPTY, twelve));
    }

    /** Summed node and link counts of many paths make the same Sankey as the paths themselves. */
    @Test
    void sankeyFromCountsEqualsSankeyFromPaths() {
        Random r = new Random(7);
        Instant day = Instant.parse("2026-11-01T00:00:00Z");
        List<PathRuns> paths = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            paths.add(random(r, day.plusSeconds(r.nextInt(3600))));
        }
        PathAggregate.Delta d = new PathAggregate.Delta();
        paths.forEach(p -> d.add(p, Set.of(), 1));
        for (Label kind : Label.values()) {
            for (int steps = 2; steps <= PathAggregate.POSITIONS; steps += 4) {
                for (int top : new int[]{1, 2, 50}) {
                    List<Sankey.PathCount> counted = new ArrayList<>();
                    int s = steps;
                    paths.forEach(p -> counted.add(new Sankey.PathCount(p.anchored(kind, null, s).labels(), 1)));
                    Sankey.Counts counts = new Sankey.Counts();
                    for (Map.Entry<PathAggregate.NodeKey, Long> e : d.nodes().entrySet()) {
                        if (e.getKey().labelKind().equals(kind.wireValue()) && e.getKey().pos() < steps) {
                            counts.addNode(e.getKey().pos(), e.getKey().label(), e.getValue());
                        }
                    }
                    for (Map.Entry<PathAggregate.LinkKey, Long> e : d.links().entrySet()) {
                        if (e.getKey().labelKind().equals(kind.wireValue()) && e.getKey().pos() < steps - 1) {
                            counts.addLink(e.getKey().pos(), e.getKey().source(), e.getKey().target(), e.getValue());
                        }
                    }
                    assertEquals(Sankey.of(counted, steps, top), Sankey.of(counts, steps, top), kind + " " + steps + " " + top);
                    assertEquals(300, counts.profiles());
                }
            }
        }
    }
}
