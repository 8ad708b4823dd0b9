package io.happypath.contracts.identity;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import io.happypath.contracts.CloudEventTypes;

/**
 * New identifiers joined an existing profile without a merge: data of
 * {@code io.happypath.identity.identifiers.linked} on {@code hp.identity.v1} (key: profileId).
 *
 * @param identifiers the identifiers added to the profile (at least one)
 * @param messageId the Segment messageId of the event that carried them, if an event did
 * @param at when they were linked
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record IdentifiersLinked(String profileId, List<Identifier> identifiers, String messageId, Instant at) {

    /** The {@code ce_type} that carries this record. */
    public static final String CE_TYPE = CloudEventTypes.IDENTIFIERS_LINKED;

    public IdentifiersLinked {
        Objects.requireNonNull(profileId, "profileId is required");
        identifiers = List.copyOf(Objects.requireNonNull(identifiers, "identifiers is required"));
        if (identifiers.isEmpty()) {
            throw new IllegalArgumentException("identifiers must not be empty");
        }
        Objects.requireNonNull(at, "at is required");
    }
}
