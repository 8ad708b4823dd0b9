package io.happypath.decision.client;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;

import org.eclipse.microprofile.rest.client.ext.ClientHeadersFactory;

import io.happypath.decision.config.DecisionConfig;

/**
 * Authenticates calls to the upstream services: with the configured service token, else with the caller's own
 * bearer token (a {@code decision-client} may not read profiles, so production sets a service token).
 */
@ApplicationScoped
public class UpstreamHeaders implements ClientHeadersFactory {

    private final DecisionConfig config;

    public UpstreamHeaders(DecisionConfig config) {
        this.config = config;
    }

    @Override
    public MultivaluedMap<String, String> update(MultivaluedMap<String, String> incoming,
            MultivaluedMap<String, String> outgoing) {
        MultivaluedMap<String, String> headers = new MultivaluedHashMap<>();
        config.upstream().token().ifPresentOrElse(t -> headers.putSingle(HttpHeaders.AUTHORIZATION, "Bearer " + t),
                () -> {
                    if (incoming != null && incoming.getFirst(HttpHeaders.AUTHORIZATION) != null) {
                        headers.putSingle(HttpHeaders.AUTHORIZATION, incoming.getFirst(HttpHeaders.AUTHORIZATION));
                    }
                });
        return headers;
    }
}
