package io.happypath.contracts;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.happypath.contracts.decision.ActionRequested;
import io.happypath.contracts.decision.DecisionMade;
import io.happypath.contracts.decision.DecisionOutcome;
import io.happypath.contracts.decision.ExperimentAssignment;
import io.happypath.contracts.decision.Outcome;
import io.happypath.contracts.decision.RankedAction;
import io.happypath.contracts.decision.SuppressedAction;
import io.happypath.contracts.identity.Identifier;
import io.happypath.contracts.identity.IdentifiersLinked;
import io.happypath.contracts.identity.MergeUndone;
import io.happypath.contracts.identity.ProfileCreated;
import io.happypath.contracts.identity.ProfileErased;
import io.happypath.contracts.identity.ProfileMerged;
import io.happypath.contracts.journey.JourneyCompleted;
import io.happypath.contracts.journey.JourneyExited;
import io.happypath.contracts.journey.JourneyStalled;
import io.happypath.contracts.journey.SegmentChanged;
import io.happypath.contracts.journey.SignalChanged;
import io.happypath.contracts.journey.StageEntered;
import io.happypath.contracts.segment.SegmentBatch;
import io.happypath.contracts.segment.SegmentMessage;

/**
 * One sample of every wire type per JSON Schema: {@code full} sets every field, {@code minimal} only what the
 * record needs.
 */
public final class Samples {

    public static final Instant AT = Instant.parse("2026-03-01T10:15:30.123Z");

    /** A wire type's samples and the schema that describes them. */
    public record Case(String schema, Object full, Object minimal) {

        @Override
        public String toString() {
            return schema;
        }
    }

    private Samples() {
    }

    public static SegmentMessage fullTrack() {
        return SegmentMessage.builder()
                .type("track")
                .messageId("msg-1")
                .anonymousId("anon-1")
                .userId("user-1")
                .event("Order Completed")
                .name("Checkout")
                .properties(map("orderId", "o-1", "total", 499.0, "coupon", null))
                .traits(map("email", "jane@example.com"))
                .context(map("channel", "store", "ip", "203.0.113.7", "device", map("id", "dev-1")))
                .integrations(map("All", true))
                .timestamp(AT)
                .originalTimestamp(AT.minusSeconds(5))
                .sentAt(AT.plusSeconds(1))
                .receivedAt(AT.plusSeconds(2))
                .previousId("anon-0")
                .groupId("g-1")
                .profileId("p-1")
                .source("web")
                .build();
    }

    public static SegmentMessage minimalTrack() {
        return SegmentMessage.builder()
                .type("track")
                .messageId("msg-2")
                .userId("user-2")
                .event("Activation Started")
                .timestamp(AT)
                .receivedAt(AT)
                .source("app")
                .build();
    }

    public static List<Identifier> identifiers() {
        return List.of(Identifier.of(Identifier.EMAIL, "jane@example.com"), Identifier.of(Identifier.USER_ID, "u-1"));
    }

    public static List<Case> cases() {
        return List.of(
                new Case("segment-message", fullTrack(), minimalTrack()),
                new Case("stitched-segment-message", fullTrack(), minimalTrack().withProfileId("p-2")),
                new Case("segment-batch",
                        new SegmentBatch(List.of(fullTrack(), minimalTrack()), map("library", map("name", "analytics-java")),
                                map("All", true), AT, "local-web"),
                        new SegmentBatch(List.of(minimalTrack()), null, null, null, null)),
                new Case("identifier", Identifier.of("email", "jane@example.com"), Identifier.of("user_id", "u-1")),
                new Case("profile-created", new ProfileCreated("p-1", identifiers(), "msg-1", AT),
                        new ProfileCreated("p-1", identifiers(), null, AT)),
                new Case("identifiers-linked", new IdentifiersLinked("p-1", identifiers(), "msg-1", AT),
                        new IdentifiersLinked("p-1", identifiers(), null, AT)),
                new Case("profile-merged",
                        new ProfileMerged("p-1", List.of("p-2", "p-3"), "m-1", "email", identifiers(), "msg-1", AT),
                        new ProfileMerged("p-1", List.of("p-2"), "m-1", "email", null, null, AT)),
                new Case("profile-erased", new ProfileErased("p-1", AT), new ProfileErased("p-1", AT)),
                new Case("merge-undone", new MergeUndone("p-1", List.of("p-2", "p-3"), "m-1", AT),
                        new MergeUndone("p-1", List.of("p-2"), "m-1", AT)),
                new Case("stage-entered",
                        new StageEntered("p-1", "phone-onboarding", "activating", "purchased", true, "store",
                                "Activation Started",
                                "msg-1", AT),
                        new StageEntered("p-1", "phone-onboarding", "purchased", null, true, null, null, null, AT)),
                new Case("journey-completed", new JourneyCompleted("p-1", "phone-onboarding", "activated", false, "web", AT),
                        new JourneyCompleted("p-1", "phone-onboarding", "activated", true, null, AT)),
                new Case("journey-exited",
                        new JourneyExited("p-1", "phone-onboarding", "activating", "exit-condition", "Order Refunded", "store",
                                AT),
                        new JourneyExited("p-1", "phone-onboarding", "activating", null, null, null, AT)),
                new Case("journey-stalled",
                        new JourneyStalled("p-1", "phone-onboarding", "activating", AT.minusSeconds(172_800), "PT48H", AT),
                        new JourneyStalled("p-1", "phone-onboarding", "activating", AT.minusSeconds(90_000), "P1D", AT)),
                new Case("signal-changed", new SignalChanged("p-1", "openServiceIssue", true, map("ticketId", "t-1"), AT),
                        new SignalChanged("p-1", "openServiceIssue", false, null, AT)),
                new Case("segment-changed", new SegmentChanged("p-1", "at-risk", true, AT),
                        new SegmentChanged("p-1", "at-risk", false, AT)),
                new Case("decision-made",
                        new DecisionMade("d-1", "p-1", "web", "home-hero",
                                List.of(new RankedAction("activation-help", 0.42, 0.12),
                                        new RankedAction("care-call", 0.1, 0.05)),
                                List.of(new SuppressedAction("new-phone-ad", "open service issue: openServiceIssue")),
                                new ExperimentAssignment("exp-1", "treatment", 0.5), true, AT),
                        new DecisionMade("d-2", null, "web", null, List.of(), List.of(), null, false, AT)),
                new Case("decision-outcome", new DecisionOutcome("d-1", "p-1", "activation-help", Outcome.CLICKED, "web", AT),
                        new DecisionOutcome("d-1", null, "activation-help", Outcome.IMPRESSION, null, AT)),
                new Case("action-requested",
                        new ActionRequested("r-1", "p-1", "activation-help", "email", map("subject", "Need a hand?"), "d-1",
                                CloudEventTypes.JOURNEY_STALLED, AT),
                        new ActionRequested("r-2", "p-1", "activation-help", "email", null, null, null, AT)));
    }

    /** A mutable, ordered map that, unlike {@link Map#of}, allows null values. */
    public static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
