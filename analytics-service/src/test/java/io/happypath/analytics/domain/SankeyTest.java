package io.happypath.analytics.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.happypath.analytics.domain.Sankey.PathCount;

class SankeyTest {

    private static final List<PathCount> PATHS = List.of(
            new PathCount(List.of("a", "b", "c"), 50),
            new PathCount(List.of("a", "b"), 20),
            new PathCount(List.of("a"), 10),
            new PathCount(List.of("x", "b", "c", "d"), 5),
            new PathCount(List.of("y", "c"), 3),
            new PathCount(List.of("z"), 2));

    @Test
    void keepsTopNPerColumnAndGathersTheRestInOther() {
        Sankey s = Sankey.of(PATHS, 3, 2);
        Map<String, Long> nodes = nodes(s);
        assertEquals(80, nodes.get("0:a"));
        assertEquals(5, nodes.get("0:x"));
        assertEquals(5, nodes.get("0:other"), "y (3) and z (2) fall outside the top 2");
        assertEquals(75, nodes.get("1:b"));
        assertEquals(3, nodes.get("1:c"));
        assertEquals(12, nodes.get("1:drop-off"), "a (10) and z (2) end after one step");
        assertEquals(55, nodes.get("2:c"));
        assertEquals(23, nodes.get("2:drop-off"), "a→b (20) and y→c (3) end after two steps");
    }

    @Test
    void inflowEqualsOutflowPlusDropOffOnEveryNode() {
        for (int top = 1; top <= 4; top++) {
            for (int steps = 2; steps <= 5; steps++) {
                assertInvariant(Sankey.of(PATHS, steps, top), steps, 90);
            }
        }
    }

    @Test
    void truncatedPathsDoNotDropOffInTheLastColumn() {
        Sankey s = Sankey.of(PATHS, 2, 8);
        assertTrue(s.nodes().stream().noneMatch(n -> n.column() >= 2));
        assertEquals(75, nodes(s).get("1:b"));
        assertEquals(12, nodes(s).get("1:drop-off"));
    }

    /** The invariant every Sankey must keep, checked from the links alone. */
    static void assertInvariant(Sankey s, int steps, long total) {
        Map<String, Long> in = new HashMap<>();
        Map<String, Long> out = new HashMap<>();
        Map<String, Long> drop = new HashMap<>();
        Map<String, Sankey.Node> byId = new HashMap<>();
        s.nodes().forEach(n -> byId.put(n.id(), n));
        for (Sankey.Link l : s.links()) {
            in.merge(l.target(), l.profiles(), Long::sum);
            if (byId.get(l.target()).label().equals(Sankey.DROP_OFF)) {
                drop.merge(l.source(), l.profiles(), Long::sum);
            } else {
                out.merge(l.source(), l.profiles(), Long::sum);
            }
            assertEquals(byId.get(l.source()).column() + 1, byId.get(l.target()).column());
        }
        long first = 0;
        for (Sankey.Node n : s.nodes()) {
            long inflow = n.column() == 0 ? n.profiles() : in.getOrDefault(n.id(), 0L);
            assertEquals(n.profiles(), inflow, "inflow of " + n.id());
            if (n.column() == 0) {
                first += n.profiles();
            }
            if (n.label().equals(Sankey.DROP_OFF)) {
                assertEquals(0, out.getOrDefault(n.id(), 0L));
                continue;
            }
            if (n.column() < steps - 1) {
                assertEquals(inflow, out.getOrDefault(n.id(), 0L) + drop.getOrDefault(n.id(), 0L), "node " + n.id());
            }
            assertEquals(out.getOrDefault(n.id(), 0L), n.outflow(), "outflow of " + n.id());
            assertEquals(drop.getOrDefault(n.id(), 0L), n.dropOff(), "drop-off of " + n.id());
        }
        assertEquals(total, first);
    }

    private static Map<String, Long> nodes(Sankey s) {
        Map<String, Long> m = new HashMap<>();
        s.nodes().forEach(n -> m.put(n.id(), n.profiles()));
        return m;
    }
}
