package io.happypath.decision.service;

import java.util.List;
import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What is kept of a decision for its outcomes: who (profile id, or the subject key of an unknown profile), where,
 * which actions were shown, and the adaptive model's predictor values, so that an outcome updates the bins the
 * decision fell in.
 *
 * @param predictors predictor name → bin ({@link io.happypath.decision.domain.Predictors}); null in records written
 *        before predictors were kept
 */
@RegisterForReflection
public record StoredDecision(String subject, String profileId, String channel, List<String> actionIds,
        String placement, Map<String, String> predictors) {
}
