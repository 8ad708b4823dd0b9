package io.happypath.identity.domain;

import java.time.Instant;

import io.happypath.contracts.identity.Identifier;

/** An identifier as a profile holds it, with when it was first and last seen (the limit windows use lastSeen). */
public record StoredIdentifier(Identifier identifier, Instant firstSeen, Instant lastSeen) {
}
