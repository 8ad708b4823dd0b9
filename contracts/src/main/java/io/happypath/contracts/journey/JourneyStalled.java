package io.happypath.contracts.journey;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import io.happypath.contracts.CloudEventTypes;

/**
 * A profile stayed in a stage longer than the journey allows: data of
 * {@code io.happypath.journey.journey.stalled} on {@code hp.journey.v1} (key: profileId). Fired once per stage
 * entry, by the stage's timer.
 *
 * @param stage the stage the profile is stuck in
 * @param since when the profile entered that stage
 * @param expectedWithin the stage's {@code expectNextWithin}, an ISO-8601 duration such as {@code PT48H}
 * @param at when the stall was detected
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record JourneyStalled(
        String profileId,
        String journeyId,
        String stage,
        Instant since,
        String expectedWithin,
        Instant at) {

    /** The {@code ce_type} that carries this record. */
    public static final String CE_TYPE = CloudEventTypes.JOURNEY_STALLED;

    public JourneyStalled {
        Objects.requireNonNull(profileId, "profileId is required");
        Objects.requireNonNull(journeyId, "journeyId is required");
        Objects.requireNonNull(stage, "stage is required");
        Objects.requireNonNull(since, "since is required");
        Objects.requireNonNull(expectedWithin, "expectedWithin is required");
        Objects.requireNonNull(at, "at is required");
    }

    /** {@link #expectedWithin()} as a {@link Duration}; throws if it is not in {@link Duration#parse} form. */
    public Duration expectedWithinDuration() {
        return Duration.parse(expectedWithin);
    }
}
