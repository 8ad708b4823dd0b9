package io.happypath.identity.domain;

import java.util.List;

import io.happypath.contracts.identity.Identifier;

/**
 * The outcome of resolving one event.
 *
 * @param survivor the profile the event belongs to; null when a new profile must be created
 * @param merged the profiles to merge into the survivor (oldest first), empty when there is no merge
 * @param identifiers the identifiers of the event that stay in the match set (to link or to touch)
 * @param newIdentifiers those of {@code identifiers} that no profile holds yet
 * @param dropped the identifiers removed from matching because they would have broken a limit; they stay plain
 *        event fields
 * @param rule why the event joined its profile: {@code new-profile}, or {@code match:<types>} naming the
 *        identifier types that matched (for a merge, those that matched more than one profile)
 */
public record Resolution(
        String survivor,
        List<String> merged,
        List<Identifier> identifiers,
        List<Identifier> newIdentifiers,
        List<Identifier> dropped,
        String rule) {

    public static final String NEW_PROFILE = "new-profile";

    public Resolution {
        merged = List.copyOf(merged);
        identifiers = List.copyOf(identifiers);
        newIdentifiers = List.copyOf(newIdentifiers);
        dropped = List.copyOf(dropped);
    }

    public boolean createsProfile() {
        return survivor == null;
    }

    public boolean merges() {
        return !merged.isEmpty();
    }
}
