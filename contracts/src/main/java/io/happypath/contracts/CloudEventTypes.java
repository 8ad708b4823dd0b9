package io.happypath.contracts;

import java.util.Locale;

/** The {@code ce_type} values of every topic (ARCHITECTURE.md, "Kafka topics"). */
public final class CloudEventTypes {

    private static final String EVENT = "io.happypath.event.";

    /** Segment messages on {@link Topics#RAW_EVENTS} and {@link Topics#EVENTS}. */
    public static final String TRACK = EVENT + "track";
    public static final String IDENTIFY = EVENT + "identify";
    public static final String PAGE = EVENT + "page";
    public static final String SCREEN = EVENT + "screen";
    public static final String GROUP = EVENT + "group";
    public static final String ALIAS = EVENT + "alias";

    /** {@link Topics#IDENTITY}. */
    public static final String PROFILE_CREATED = "io.happypath.identity.profile.created";
    public static final String IDENTIFIERS_LINKED = "io.happypath.identity.identifiers.linked";
    public static final String PROFILE_MERGED = "io.happypath.identity.profile.merged";
    public static final String PROFILE_ERASED = "io.happypath.identity.profile.erased";
    public static final String MERGE_UNDONE = "io.happypath.identity.merge.undone";

    /** {@link Topics#JOURNEY}. */
    public static final String STAGE_ENTERED = "io.happypath.journey.stage.entered";
    public static final String JOURNEY_COMPLETED = "io.happypath.journey.journey.completed";
    public static final String JOURNEY_EXITED = "io.happypath.journey.journey.exited";
    public static final String JOURNEY_STALLED = "io.happypath.journey.journey.stalled";
    public static final String SIGNAL_CHANGED = "io.happypath.journey.signal.changed";
    public static final String SEGMENT_CHANGED = "io.happypath.journey.segment.changed";

    /** {@link Topics#DECISIONS}. */
    public static final String DECISION_MADE = "io.happypath.decision.made";
    public static final String DECISION_OUTCOME = "io.happypath.decision.outcome";

    /** {@link Topics#ACTIONS}. */
    public static final String ACTION_REQUESTED = "io.happypath.action.requested";

    private CloudEventTypes() {
    }

    /** The CloudEvent type of a Segment message type ({@code track}, {@code identify}, ...). */
    public static String ofSegmentType(String segmentType) {
        return EVENT + segmentType.toLowerCase(Locale.ROOT);
    }
}
