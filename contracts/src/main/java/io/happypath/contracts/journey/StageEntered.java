package io.happypath.contracts.journey;

import java.time.Instant;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.happypath.contracts.CloudEventTypes;

/**
 * A profile entered a journey stage: data of {@code io.happypath.journey.stage.entered} on {@code hp.journey.v1}
 * (key: profileId).
 * <p>
 * Boolean components are {@code required} for Jackson: a missing value must not silently read as false.
 *
 * @param previousStage the stage the profile left; absent when this is its first stage of the journey
 * @param onHappyPath whether the profile's path through the journey so far follows the journey's happy path
 * @param channel the channel of the event that moved the profile
 * @param event the name of the Segment event that moved the profile, e.g. {@code Order Completed}
 * @param messageId the Segment messageId of that event
 * @param at when the stage was entered (the event's timestamp)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record StageEntered(
        String profileId,
        String journeyId,
        String stage,
        String previousStage,
        @JsonProperty(required = true) boolean onHappyPath,
        String channel,
        String event,
        String messageId,
        Instant at) {

    /** The {@code ce_type} that carries this record. */
    public static final String CE_TYPE = CloudEventTypes.STAGE_ENTERED;

    public StageEntered {
        Objects.requireNonNull(profileId, "profileId is required");
        Objects.requireNonNull(journeyId, "journeyId is required");
        Objects.requireNonNull(stage, "stage is required");
        Objects.requireNonNull(at, "at is required");
    }
}
