package io.happypath.contracts.journey;

import java.time.Instant;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.happypath.contracts.CloudEventTypes;

/**
 * A profile reached the last stage of a journey: data of {@code io.happypath.journey.journey.completed} on
 * {@code hp.journey.v1} (key: profileId).
 * <p>
 * Boolean components are {@code required} for Jackson: a missing value must not silently read as false.
 *
 * @param stage the final stage
 * @param onHappyPath whether the profile got there along the happy path
 * @param channel the channel of the event that completed the journey
 * @param at when the journey was completed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record JourneyCompleted(
        String profileId,
        String journeyId,
        String stage,
        @JsonProperty(required = true) boolean onHappyPath,
        String channel,
        Instant at) {

    /** The {@code ce_type} that carries this record. */
    public static final String CE_TYPE = CloudEventTypes.JOURNEY_COMPLETED;

    public JourneyCompleted {
        Objects.requireNonNull(profileId, "profileId is required");
        Objects.requireNonNull(journeyId, "journeyId is required");
        Objects.requireNonNull(stage, "stage is required");
        Objects.requireNonNull(at, "at is required");
    }
}
