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

import io.happypath.decision.domain.Action;
import io.happypath.decision.service.Catalogue;
import io.happypath.platform.rest.ApiException;
import io.smallrye.mutiny.Uni;

/** The action catalogue (API.md): {@code PUT/GET/DELETE /v1/actions}. */
@Path("/v1/actions")
public class ActionResource {

    private final Catalogue catalogue;

    public ActionResource(Catalogue catalogue) {
        this.catalogue = catalogue;
    }

    /** Creates (201) or replaces (200) an action; a rule that does not compile is a 400 naming the rule. */
    @PUT
    @Path("/{actionId}")
    @RolesAllowed("admin")
    public Uni<RestResponse<Action>> put(@PathParam("actionId") String actionId, Action action) {
        return Uni.createFrom().deferred(() -> catalogue.putAction(actionId, action))
                .map(put -> RestResponse.status(put.created() ? Response.Status.CREATED : Response.Status.OK,
                        put.value()));
    }

    @GET
    @RolesAllowed({"admin", "analyst"})
    public Uni<List<Action>> list() {
        return catalogue.actions();
    }

    @GET
    @Path("/{actionId}")
    @RolesAllowed({"admin", "analyst"})
    public Uni<Action> get(@PathParam("actionId") String actionId) {
        return catalogue.actions().map(all -> all.stream().filter(a -> a.id().equals(actionId)).findFirst()
                .orElseThrow(() -> ApiException.notFound("action", actionId)));
    }

    @DELETE
    @Path("/{actionId}")
    @RolesAllowed("admin")
    public Uni<RestResponse<Void>> delete(@PathParam("actionId") String actionId) {
        return catalogue.deleteAction(actionId).map(deleted -> {
            if (!deleted) {
                throw ApiException.notFound("action", actionId);
            }
            return RestResponse.noContent();
        });
    }
}
