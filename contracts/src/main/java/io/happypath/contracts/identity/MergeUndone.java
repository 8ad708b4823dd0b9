package io.happypath.contracts.identity;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import io.happypath.contracts.CloudEventTypes;

/**
 * A merge was undone: data of {@code io.happypath.identity.merge.undone} on {@code hp.identity.v1} (key: the profileId
 * the merge went into). The restored profiles exist again with the identifiers they had before the merge; each of
 * them also gets an {@code identifiers.linked} event naming the identifiers it took back. Consumers that moved data
 * to the survivor on {@code profile.merged} may move it back.
 *
 * @param profileId the profile the merge went into, which keeps its own identifiers
 * @param restoredProfileIds the profiles the undo brought back (at least one)
 * @param mergeId the undone merge, as named by {@code profile.merged} and the link history
 * @param at when the merge was undone
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record MergeUndone(String profileId, List<String> restoredProfileIds, String mergeId, Instant at) {

    /** The {@code ce_type} that carries this record. */
    public static final String CE_TYPE = CloudEventTypes.MERGE_UNDONE;

    public MergeUndone {
        Objects.requireNonNull(profileId, "profileId is required");
        restoredProfileIds = List.copyOf(Objects.requireNonNull(restoredProfileIds, "restoredProfileIds is required"));
        if (restoredProfileIds.isEmpty()) {
            throw new IllegalArgumentException("restoredProfileIds must not be empty");
        }
        Objects.requireNonNull(mergeId, "mergeId is required");
        Objects.requireNonNull(at, "at is required");
    }
}
