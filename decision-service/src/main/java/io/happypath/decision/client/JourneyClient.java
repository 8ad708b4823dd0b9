package io.happypath.decision.client;

import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.eclipse.microprofile.rest.client.annotation.RegisterClientHeaders;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.smallrye.mutiny.Uni;

/** journey-state-service's REST API (API.md), as far as decisions need it. */
@RegisterRestClient(configKey = "journey")
@RegisterClientHeaders(UpstreamHeaders.class)
@Path("/v1")
public interface JourneyClient {

    /** The live state of a profile (journeys, signals, emotion, segments, last touchpoints); 404 when unknown. */
    @GET
    @Path("/profiles/{profileId}/state")
    Uni<Map<String, Object>> state(@PathParam("profileId") String profileId);
}
