package io.happypath.decision.client;

import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.eclipse.microprofile.rest.client.annotation.RegisterClientHeaders;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.smallrye.mutiny.Uni;

/** identity-service's REST API (API.md), as far as decisions need it. */
@RegisterRestClient(configKey = "identity")
@RegisterClientHeaders(UpstreamHeaders.class)
@Path("/v1")
public interface IdentityClient {

    /** {@code {"profileId"}}; 404 when unknown. */
    @GET
    @Path("/identities/{type}/{value}")
    Uni<Map<String, Object>> identity(@PathParam("type") String type, @PathParam("value") String value);

    /** The profile with its traits; 404 when unknown. */
    @GET
    @Path("/profiles/{profileId}")
    Uni<Map<String, Object>> profile(@PathParam("profileId") String profileId);
}
