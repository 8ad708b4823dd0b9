package io.happypath.contracts.journey;

import java.time.Instant;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import io.happypath.contracts.CloudEventTypes;

/**
 * A profile left a journey before completing it: data of {@code io.happypath.journey.journey.exited} on
 * {@code hp.journey.v1} (key: profileId).
 *
 * @param stage the stage the profile was in when it left
 * @param reason why, e.g. {@code exit-condition}, {@code profile-erased}, {@code journey-deleted}
 * @param event the name of the Segment event that matched an exit condition, if one did
 * @param channel the channel of that event
 * @param at when the profile left
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record JourneyExited(
        String profileId,
        String journeyId,
        String stage,
        String reason,
        String event,
        String channel,
        Instant at) {

    /** The {@code ce_type} that carries this record. */
    public static final String CE_TYPE = CloudEventTypes.JOURNEY_EXITED;

    public JourneyExited {
        Objects.requireNonNull(profileId, "profileId is required");
        Objects.requireNonNull(journeyId, "journeyId is required");
        Objects.requireNonNull(stage, "stage is required");
        Objects.requireNonNull(at, "at is required");
    }
}
