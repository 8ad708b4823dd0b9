package io.happypath.contracts.identity;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import io.happypath.contracts.CloudEventTypes;

/**
 * Profiles merged into a survivor: data of {@code io.happypath.identity.profile.merged} on {@code hp.identity.v1}
 * (key: the survivor's profileId). Consumers move what they keep under the merged ids to the survivor.
 *
 * @param profileId the surviving profile
 * @param mergedProfileIds the profiles merged into it, which no longer exist (at least one)
 * @param mergeId identifies the merge in the link history, so it can be explained and undone
 * @param rule the identity rule that caused the merge, e.g. the identifier type that matched
 * @param identifiers the identifiers of the event that joined the profiles, if known
 * @param messageId the Segment messageId of the event that caused the merge, if an event did
 * @param at when the profiles were merged
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ProfileMerged(
        String profileId,
        List<String> mergedProfileIds,
        String mergeId,
        String rule,
        List<Identifier> identifiers,
        String messageId,
        Instant at) {

    /** The {@code ce_type} that carries this record. */
    public static final String CE_TYPE = CloudEventTypes.PROFILE_MERGED;

    public ProfileMerged {
        Objects.requireNonNull(profileId, "profileId is required");
        mergedProfileIds = List.copyOf(Objects.requireNonNull(mergedProfileIds, "mergedProfileIds is required"));
        if (mergedProfileIds.isEmpty()) {
            throw new IllegalArgumentException("mergedProfileIds must not be empty");
        }
        Objects.requireNonNull(mergeId, "mergeId is required");
        Objects.requireNonNull(rule, "rule is required");
        identifiers = identifiers == null ? null : List.copyOf(identifiers);
        Objects.requireNonNull(at, "at is required");
    }
}
