package io.happypath.contracts.journey;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.happypath.contracts.CloudEventTypes;

/**
 * A signal of a profile was set or cleared, e.g. {@code openServiceIssue}: data of
 * {@code io.happypath.journey.signal.changed} on {@code hp.journey.v1} (key: profileId).
 * <p>
 * Boolean components are {@code required} for Jackson: a missing value must not silently read as false.
 *
 * @param signal the signal id from the journey definition
 * @param open true when the signal was set, false when it was cleared
 * @param properties the properties of the event that set the signal, if any
 * @param at when the signal changed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SignalChanged(String profileId, String signal, @JsonProperty(required = true) boolean open,
        Map<String, Object> properties, Instant at) {

    /** The {@code ce_type} that carries this record. */
    public static final String CE_TYPE = CloudEventTypes.SIGNAL_CHANGED;

    public SignalChanged {
        Objects.requireNonNull(profileId, "profileId is required");
        Objects.requireNonNull(signal, "signal is required");
        properties = properties == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        Objects.requireNonNull(at, "at is required");
    }
}
