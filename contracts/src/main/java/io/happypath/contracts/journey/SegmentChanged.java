package io.happypath.contracts.journey;

import java.time.Instant;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.happypath.contracts.CloudEventTypes;

/**
 * A profile entered or left a segment (a live audience such as {@code at-risk}): data of
 * {@code io.happypath.journey.segment.changed} on {@code hp.journey.v1} (key: profileId).
 * <p>
 * Boolean components are {@code required} for Jackson: a missing value must not silently read as false.
 *
 * @param entered true when the profile entered the segment, false when it left
 * @param at when membership changed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SegmentChanged(String profileId, String segmentId, @JsonProperty(required = true) boolean entered, Instant at) {

    /** The {@code ce_type} that carries this record. */
    public static final String CE_TYPE = CloudEventTypes.SEGMENT_CHANGED;

    public SegmentChanged {
        Objects.requireNonNull(profileId, "profileId is required");
        Objects.requireNonNull(segmentId, "segmentId is required");
        Objects.requireNonNull(at, "at is required");
    }
}
