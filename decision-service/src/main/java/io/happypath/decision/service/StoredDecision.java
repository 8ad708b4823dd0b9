package io.happypath.decision.service;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What is kept of a decision for its outcomes: who (profile id, or the subject key of an unknown profile), where,
 * and which actions were shown.
 */
@RegisterForReflection
public record StoredDecision(String subject, String profileId, String channel, List<String> actionIds) {
}
