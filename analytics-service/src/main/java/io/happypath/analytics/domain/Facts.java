package io.happypath.analytics.domain;

import java.time.Instant;
import java.util.List;

/** The facts this service keeps, one per CloudEvent, as they are written to the {@code analytics} schema. */
public final class Facts {

    private Facts() {
    }

    /** A stitched track, page or screen event: one step of a profile's path. */
    public record Step(String eventId, String profileId, Instant ts, String channel, String event) {
    }

    /** A journey event (stage entered, completed, exited, stalled). */
    public record JourneyFact(String eventId, String type, String profileId, String journeyId, String stage,
            String channel, Instant at) {
    }

    /** A suppressed candidate of a decision; {@code kind} is {@link SuppressionKind#of(String)} of the reason. */
    public record Suppression(String actionId, String reason, String kind) {
    }

    /**
     * A decision; {@code experimentId}/{@code variant} are null outside experiments, {@code share} (the variant's
     * configured share) also when the decision log did not state it.
     */
    public record Decision(String eventId, String decisionId, String profileId, String channel, String experimentId,
            String variant, Double share, List<String> actions, List<Suppression> suppressions, Instant at) {
    }

    /** An outcome of an action of a decision. */
    public record Outcome(String eventId, String decisionId, String profileId, String actionId, String outcome,
            Instant at) {
    }

    /** A profile entered ({@code entered}) or left a segment. */
    public record SegmentChange(String eventId, String profileId, String segmentId, boolean entered, Instant at) {
    }

    /** Profiles merged into a survivor. */
    public record Merge(String eventId, String survivorId, List<String> mergedIds, Instant at) {
    }

    /** A profile erased. */
    public record Erasure(String eventId, String profileId, Instant at) {
    }
}
