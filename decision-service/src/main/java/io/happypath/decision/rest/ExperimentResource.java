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

import io.happypath.decision.domain.Experiment;
import io.happypath.decision.service.Catalogue;
import io.happypath.platform.rest.ApiException;
import io.smallrye.mutiny.Uni;

/** Experiments (API.md): {@code PUT/GET/DELETE /v1/experiments}. */
@Path("/v1/experiments")
public class ExperimentResource {

    private final Catalogue catalogue;

    public ExperimentResource(Catalogue catalogue) {
        this.catalogue = catalogue;
    }

    /** Creates (201) or replaces (200) an experiment; an invalid one is a 400 naming each problem. */
    @PUT
    @Path("/{experimentId}")
    @RolesAllowed("admin")
    public Uni<RestResponse<Experiment>> put(@PathParam("experimentId") String experimentId, Experiment body) {
        return Uni.createFrom().deferred(() -> catalogue.putExperiment(experimentId, body))
                .map(put -> RestResponse.status(put.created() ? Response.Status.CREATED : Response.Status.OK,
                        put.value()));
    }

    @GET
    @RolesAllowed({"admin", "analyst"})
    public Uni<List<Experiment>> list() {
        return catalogue.experiments();
    }

    @GET
    @Path("/{experimentId}")
    @RolesAllowed({"admin", "analyst"})
    public Uni<Experiment> get(@PathParam("experimentId") String experimentId) {
        return catalogue.experiments().map(all -> all.stream().filter(a -> a.id().equals(experimentId)).findFirst()
                .orElseThrow(() -> ApiException.notFound("experiment", experimentId)));
    }

    @DELETE
    @Path("/{experimentId}")
    @RolesAllowed("admin")
    public Uni<RestResponse<Void>> delete(@PathParam("experimentId") String experimentId) {
        return catalogue.deleteExperiment(experimentId).map(deleted -> {
            if (!deleted) {
                throw ApiException.notFound("experiment", experimentId);
            }
            return RestResponse.noContent();
        });
    }
}
