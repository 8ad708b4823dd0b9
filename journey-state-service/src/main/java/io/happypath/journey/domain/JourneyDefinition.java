package io.happypath.journey.domain;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A journey as data (API.md, "Journey definition"): ordered stages, each entered on an event that matches a
 * trigger; the happy path; how long a stage may last ({@code expectNextWithin}); exit triggers; signals.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record JourneyDefinition(String id, String name, List<Stage> stages, List<String> happyPath, List<Trigger> exitOn,
        List<SignalDefinition> signals) {

    public JourneyDefinition {
        happyPath = happyPath == null ? List.of() : happyPath;
        exitOn = exitOn == null ? List.of() : exitOn;
        signals = signals == null ? List.of() : signals;
    }

    /** This definition with another id (the path parameter wins over the body). */
    public JourneyDefinition withId(String newId) {
        return new JourneyDefinition(newId, name, stages, happyPath, exitOn, signals);
    }

    /** A stage: entered when {@code enterOn} matches; stalled when the next stage does not follow within the duration. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Stage(String id, Trigger enterOn, String expectNextWithin) {
    }

    /**
     * Matches an event by name ({@code event}: the track event name, or the page/screen name) and an optional CEL
     * condition ({@code when}). {@code type} optionally restricts the Segment type ({@code page}, {@code screen}, ...).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Trigger(String event, String type, String when) {
    }

    /** A named fact set and cleared by triggers, e.g. {@code openServiceIssue}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SignalDefinition(String id, Trigger setOn, Trigger clearOn) {
    }
}
