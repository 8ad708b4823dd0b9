package io.happypath.decision.rest;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestResponse;

import io.happypath.decision.domain.ContactPolicy;
import io.happypath.decision.service.Catalogue;
import io.happypath.platform.rest.ApiException;
import io.smallrye.mutiny.Uni;

/** Contact policies (API.md): {@code PUT/GET/DELETE /v1/policies}. */
@Path("/v1/policies")
public class PolicyResource {

    private final Catalogue catalogue;

    public PolicyResource(Catalogue catalogue) {
        this.catalogue = catalogue;
    }

    /** Creates (201) or replaces (200) a policy; an invalid one is a 400 naming each problem. */
    @PUT
    @Path("/{policyId}")
    @RolesAllowed("admin")
    public Uni<RestResponse<ContactPolicy>> put(@PathParam("policyId") String policyId, ContactPolicy body) {
        return Uni.createFrom().deferred(() -> catalogue.putPolicy(policyId, body))
                .map(put -> RestResponse.status(put.created() ? Response.Status.CREATED : Response.Status.OK,
                        put.value()));
    }

    @GET
    @RolesAllowed({"admin", "analyst"})
    public Uni<List<ContactPolicy>> list() {
        return catalogue.policies();
    }

    @GET
    @Path("/{policyId}")
    @RolesAllowed({"admin", "analyst"})
    public Uni<ContactPolicy> get(@PathParam("policyId") String policyId) {
        return catalogue.policies().map(all -> all.stream().filter(a -> a.id().equals(policyId)).findFirst()
                .orElseThrow(() -> ApiException.notFound("policy", policyId)));
    }

    @DELETE
    @Path("/{policyId}")
    @RolesAllowed("admin")
    public Uni<RestResponse<Void>> delete(@PathParam("policyId") String policyId) {
        return catalogue.deletePolicy(policyId).map(deleted -> {
            if (!deleted) {
                throw ApiException.notFound("policy", policyId);
            }
            return RestResponse.noContent();
        });
    }
}
