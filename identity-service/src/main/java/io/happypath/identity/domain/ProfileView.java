package io.happypath.identity.domain;

import java.time.Instant;
import java.util.List;

/** What the resolver needs to know of an existing profile. */
public record ProfileView(String profileId, Instant createdAt, List<StoredIdentifier> identifiers) {

    public ProfileView {
        identifiers = List.copyOf(identifiers);
    }
}
