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
     * Digests of the latest causes (CloudEvent ids) applied to this state, oldest first, separated by spaces (one JSON
     * string reads and writes faster than an array of them): a duplicate is recognised and not applied again
     * ({@link Redeliveries}). Bounded by {@code processed-per-profile}.
     */
    public String internalSeen = "";
    /**
     * Per Kafka topic-partition ({@code topic/partition}) the highest offset and record timestamp applied to this
     * state: a redelivered record is recognised whatever the window above ({@link Redeliveries}).
     */
    public Map<String, Watermark> internalWatermarks = new TreeMap<>();
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

    /** The highest offset and the highest record timestamp (epoch ms) applied from one topic-partition. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Watermark(long offset, long timestamp) {
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
