package io.happypath.decision.service;

import java.util.Map;

/**
 * A decision request (API.md {@code POST /v1/decisions}): either {@code profileId} or {@code identifiers}.
 *
 * @param identifiers identifier type → value, e.g. {@code {"anonymous_id": "..."}}
 * @param limit how many actions at most, 1 to 50; 3 when absent
 * @param context what the caller knows about the moment, e.g. {@code {"intent": "cancellation"}}
 */
public record DecisionRequest(
        String profileId,
        Map<String, String> identifiers,
        String channel,
        String placement,
        Integer limit,
        Map<String, Object> context) {
}
