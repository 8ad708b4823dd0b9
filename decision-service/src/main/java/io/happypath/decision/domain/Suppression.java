package io.happypath.decision.domain;

/** A candidate left out of a decision, and the rule, guard or policy that left it out. */
public record Suppression(String actionId, String reason) {
}
