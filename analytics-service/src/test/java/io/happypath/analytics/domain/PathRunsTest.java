package io.happypath.analytics.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class PathRunsTest {

    static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

    static PathRuns.Step step(String id, int minute, String channel, String event) {
        return new PathRuns.Step(id, T0.plusSeconds(60L * minute), channel, event);
    }

    static final List<PathRuns.Step> STEPS = List.of(step("a", 0, "web", "Product Viewed"),
            step("b", 1, "web", "Product Viewed"), step("c", 2, "web", "Checkout Started"),
            step("d", 3, "store", "Order Completed"), step("e", 4, "app", "Login"), step("f", 5, "app", "Login"),
            step("g", 6, "web", "Product Viewed"));

    @Test
    void runsCollapseEqualChannelAndEventAndKeepTheFirstTime() {
        PathRuns runs = PathRuns.of(STEPS);
        assertEquals(List.of("web", "web", "store", "app", "web"), runs.channels());
        assertEquals(List.of("Product Viewed", "Checkout Started", "Order Completed", "Login", "Product Viewed"),
                runs.events());
        assertEquals(T0.plusSeconds(240), runs.at().get(3));
        assertEquals(T0, runs.startAt());
        assertEquals("web", runs.firstChannel());
    }

    @Test
    void coarserLabelsCollapseFurtherAsIfFromTheSteps() {
        PathRuns runs = PathRuns.of(STEPS);
        assertEquals(List.of("web", "store", "app", "web"),
                runs.labelled(Label.CHANNEL).stream().map(PathRuns.Labelled::label).toList());
        assertEquals(T0.plusSeconds(360), runs.labelled(Label.CHANNEL).get(3).at());
        assertEquals(List.of("Product Viewed", "Checkout Started", "Order Completed", "Login", "Product Viewed"),
                runs.labelled(Label.EVENT).stream().map(PathRuns.Labelled::label).toList());
        assertEquals(List.of("web", "store"),
                runs.labelled(Label.CHANNEL, 2).stream().map(PathRuns.Labelled::label).toList());
    }

    @Test
    void theRunNamesAloneGiveTheSameLabels() {
        PathRuns runs = PathRuns.of(STEPS);
        PathRuns.Names names = new PathRuns.Names(runs.channels(), runs.events());
        for (Label kind : Label.values()) {
            for (int limit = 0; limit <= 6; limit++) {
                assertEquals(runs.labelled(kind, limit).stream().map(PathRuns.Labelled::label).toList(),
                        names.labels(kind, limit), kind + " " + limit);
            }
        }
        assertEquals(List.of("web", "store", "app"), names.labels(Label.CHANNEL, 3));
    }

    @Test
    void appendingInPiecesEqualsBuildingAtOnce() {
        List<PathRuns.Step> all = new ArrayList<>(STEPS);
        for (int cut = 0; cut <= all.size(); cut++) {
            assertEquals(PathRuns.of(all), PathRuns.of(all.subList(0, cut)).append(all.subList(cut, all.size())));
        }
    }

    @Test
    void anchoredPathsStartAtTheFirstOccurrenceAndAreCut() {
        PathRuns runs = PathRuns.of(STEPS);
        PathRuns.Anchored a = runs.anchored(Label.CHANNEL, "store", 2);
        assertEquals(List.of("store", "app"), a.labels());
        assertEquals(T0.plusSeconds(180), a.startAt());
        assertEquals(List.of("web", "store", "app"), runs.anchored(Label.CHANNEL, null, 3).labels());
        assertNull(runs.anchored(Label.CHANNEL, "email", 3));
        // The first occurrence of "web" is the first step, not the later one.
        assertEquals(T0, runs.anchored(Label.CHANNEL, "web", 5).startAt());
    }

    @Test
    void orderIsByTimeThenEventId() {
        assertEquals(-1, Integer.signum(PathRuns.ORDER.compare(step("a", 1, "x", "y"), step("b", 1, "x", "y"))));
        assertEquals(1, Integer.signum(PathRuns.ORDER.compare(step("a", 2, "x", "y"), step("b", 1, "x", "y"))));
    }
}
