package io.happypath.contracts.decision;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import io.happypath.contracts.CloudEventTypes;

/**
 * An action decision-service wants a channel connector to deliver (push mode): data of
 * {@code io.happypath.action.requested} on {@code hp.actions.v1} (key: profileId).
 *
 * @param requestId unique per request; connectors deliver each request once
 * @param content the action's content for the channel, from the action catalogue
 * @param decisionId the decision that chose the action; connectors report outcomes against it
 * @param trigger what caused the push, e.g. the {@code ce_type} of the journey event
 * @param at when the action was requested
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ActionRequested(
        String requestId,
        String profileId,
        String actionId,
        String channel,
        Map<String, Object> content,
        String decisionId,
        String trigger,
        Instant at) {

    /** The {@code ce_type} that carries this record. */
    public static final String CE_TYPE = CloudEventTypes.ACTION_REQUESTED;

    public ActionRequested {
        Objects.requireNonNull(requestId, "requestId is required");
        Objects.requireNonNull(profileId, "profileId is required");
        Objects.requireNonNull(actionId, "actionId is required");
        Objects.requireNonNull(channel, "channel is required");
        content = content == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(content));
        Objects.requireNonNull(at, "at is required");
    }
}
