package io.happypath.journey.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The live state of one profile, as stored in Redis (one JSON document per profile). It is an aggregate that the
 * {@link StateMachine} mutates while it applies one event, so its parts are mutable classes rather than records.
 * Fields named {@code internal*} are bookkeeping for the implicit emotion rules and are not part of the API.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class ProfileState {

    public String profileId;
    public Map<String, JourneyState> journeys = new TreeMap<>();
    public Map<String, SignalState> signals = new TreeMap<>();
    /** When each signal last changed (set or cleared): a late event never undoes a newer change. */
    public Map<String, Instant> signalChangedAt = new TreeMap<>();
    public Map<String, Double> emotion = new TreeMap<>();
    /** The time the emotion vector refers to; decay runs from here. */
    public Instant emotionAt;
    public List<String> segments = new ArrayList<>();
    public List<Touchpoint> lastTouchpoints = new ArrayList<>();
    public Map<String, Object> traits = new LinkedHashMap<>();
    public Instant updatedAt;
    /**
     * The latest causes (CloudEvent ids) applied to this state, with the JSON of the events they published: a
     * redelivered cause is recognised, not applied again, and its events are published again. Bounded.
     */
    public List<Processed> internalProcessed = new ArrayList<>();
    /** The last failure seen, for the "support contact right after a failure" rule. */
    public Instant internalLastFailureAt;

    public ProfileState() {
    }

    public ProfileState(String profileId) {
        this.profileId = profileId;
    }

    /** The state of one journey of the profile. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class JourneyState {

        public String stage;
        public Instant enteredAt;
        public String status;
        public boolean onHappyPath;
        public List<HistoryEntry> history = new ArrayList<>();
        /** The due time of the pending stall timer (enteredAt + expectNextWithin), if the stage has one. */
        public Instant stallDueAt;
    }

    /** One stage entry of a journey's history. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record HistoryEntry(String stage, Instant at, String channel, String event, String eventId) {
    }

    /** An open signal. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SignalState(Instant since, Map<String, Object> properties) {
    }

    /** A processed cause and what it published (JSON array). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Processed(String id, String out) {
    }

    /** One recent interaction on a channel. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Touchpoint(String channel, String event, Instant at) {
    }

    /** Journey statuses. */
    public static final String ACTIVE = "active";
    public static final String STALLED = "stalled";
    public static final String COMPLETED = "completed";
    public static final String EXITED = "exited";
}
