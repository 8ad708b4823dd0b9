package io.happypath.analytics.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.happypath.analytics.domain.DecisionPerformance.ActionCount;
import io.happypath.analytics.domain.DecisionPerformance.SuppressionCount;

class DecisionPerformanceUnitTest {

    @Test
    void suppressionKindsFollowDecisionServicesWording() {
        assertEquals("service-issue", SuppressionKind.of("open service issue: openServiceIssue"));
        assertEquals("frustration", SuppressionKind.of("frustration 0.81 above 0.70"));
        assertEquals("consent", SuppressionKind.of("marketing consent withdrawn"));
        assertEquals("recent-purchase", SuppressionKind.of("recently bought: phone at 2026-11-01T00:00:00Z"));
        assertEquals("contact-policy", SuppressionKind.of("contact policy weekly: at most 1 per P7D (contacts)"));
        assertEquals("eligibility", SuppressionKind.of("Eligibility rule not met: x"));
        assertEquals("unspecified", SuppressionKind.of("  "));
        assertEquals(SuppressionKind.MAX_LENGTH, SuppressionKind.of("x".repeat(200)).length());
    }

    @Test
    void ratesPerImpressionAndToneDeafTotals() {
        DecisionPerformance.Summary s = DecisionPerformance.of(4,
                List.of(new ActionCount("a", null, 4), new ActionCount("a", "clicked", 1), new ActionCount("a", "weird", 2)),
                List.of(new SuppressionCount("b", "service-issue", 2), new SuppressionCount("b", "contact-policy", 1)));
        assertEquals(List.of("a", "b"), s.actions().stream().map(DecisionPerformance.ActionPerformance::actionId).toList());
        assertEquals(0.25, s.actions().get(0).rates().get("clicked"));
        assertEquals(0L, s.actions().get(0).outcomes().get("converted"));
        assertEquals(2L, s.actions().get(0).outcomes().get("weird"), "unknown outcomes are kept");
        assertNull(s.actions().get(1).rates().get("clicked"));
        assertEquals(2, s.toneDeafStopped());
        assertEquals(3, s.suppressions());
        assertEquals("service-issue", s.suppressionsByReason().get(0).reason());
    }

    @Test
    void breakdownValues() {
        assertEquals(Breakdown.NONE, Breakdown.fromWire(null));
        assertEquals(Breakdown.FIRST_CHANNEL, Breakdown.fromWire("firstChannel"));
        assertEquals(Breakdown.SEGMENT, Breakdown.fromWire("segment"));
        InvalidParameter e = assertThrows(InvalidParameter.class, () -> Breakdown.fromWire("first_channel"));
        assertEquals("breakdown", e.parameter());
    }
}
