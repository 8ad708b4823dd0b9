package io.happypath.decision.domain;

import java.time.Instant;
import java.util.Map;

/**
 * What a decision is made about: the CEL variables plus channel and placement.
 *
 * @param profile {@code {"profileId", "traits": {...}, "known": bool}}; anonymous defaults for unknown profiles
 * @param state the live state of API.md; empty when unknown or unavailable
 * @param request the decision request as JSON
 * @param context the request's {@code context}
 */
public record DecisionInputs(
        String channel,
        String placement,
        Map<String, Object> profile,
        Map<String, Object> state,
        Map<String, Object> request,
        Map<String, Object> context,
        Instant now) {

    /** The CEL variables, converted once per decision. */
    public Map<String, Object> celVariables() {
        return Map.of("profile", Rule.celValue(profile), "state", Rule.celValue(state), "request",
                Rule.celValue(request), "context", Rule.celValue(context));
    }
}
