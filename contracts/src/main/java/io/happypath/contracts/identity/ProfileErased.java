package io.happypath.contracts.identity;

import java.time.Instant;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import io.happypath.contracts.CloudEventTypes;

/**
 * A profile was erased (GDPR): data of {@code io.happypath.identity.profile.erased} on {@code hp.identity.v1}
 * (key: profileId). Every consumer deletes what it keeps about the profile.
 *
 * @param at when identity-service erased the profile
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ProfileErased(String profileId, Instant at) {

    /** The {@code ce_type} that carries this record. */
    public static final String CE_TYPE = CloudEventTypes.PROFILE_ERASED;

    public ProfileErased {
        Objects.requireNonNull(profileId, "profileId is required");
        Objects.requireNonNull(at, "at is required");
    }
}
