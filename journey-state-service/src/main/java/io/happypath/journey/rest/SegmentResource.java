package io.happypath.journey.rest;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestResponse;

import io.happypath.journey.domain.Counters;
import io.happypath.journey.domain.SegmentDefinition;
import io.happypath.journey.service.DefinitionService;
import io.happypath.journey.state.StateStore;
import io.happypath.platform.rest.ApiException;
import io.smallrye.mutiny.Uni;

/** Segments (API.md): named CEL conditions over profile and state, with their live member counts. */
@Path("/v1/segments")
@jakarta.ws.rs.Produces(MediaType.APPLICATION_JSON)
@jakarta.ws.rs.Consumes(MediaType.APPLICATION_JSON)
public class SegmentResource {

    private final DefinitionService definitions;
    private final StateStore store;

    public SegmentResource(DefinitionService definitions, StateStore store) {
        this.definitions = definitions;
        this.store = store;
    }

    /** A segment with its version and how many profiles are in it now. */
    public record SegmentView(String id, String name, String when, int version, long members) {
    }

    @PUT
    @Path("/{segmentId}")
    @RolesAllowed("admin")
    public Uni<RestResponse<SegmentView>> put(@PathParam("segmentId") String segmentId, SegmentDefinition body) {
        if (body == null) {
            throw ApiException.badRequest("invalid_definition", "The request body must be a segment definition");
        }
        return definitions.putSegment(segmentId, body).flatMap(stored -> store.counters(Counters.SEGMENTS)
                .map(counts -> RestResponse.status(stored.created() ? RestResponse.Status.CREATED : RestResponse.Status.OK,
                        new SegmentView(segmentId, stored.definition().name(), stored.definition().when(), stored.version(),
                                counts.getOrDefault(segmentId, 0L)))));
    }

    @GET
    @RolesAllowed({"admin", "analyst"})
    public Uni<List<SegmentView>> list() {
        return definitions.listSegments().flatMap(list -> store.counters(Counters.SEGMENTS).map(counts -> list.stream()
                .map(s -> new SegmentView(s.definition().id(), s.definition().name(), s.definition().when(), s.version(),
                        counts.getOrDefault(s.definition().id(), 0L)))
                .toList()));
    }

    @GET
    @Path("/{segmentId}")
    @RolesAllowed({"admin", "analyst"})
    public Uni<SegmentView> get(@PathParam("segmentId") String segmentId) {
        return definitions.getSegment(segmentId).flatMap(s -> store.counters(Counters.SEGMENTS)
                .map(counts -> new SegmentView(segmentId, s.definition().name(), s.definition().when(), s.version(),
                        counts.getOrDefault(segmentId, 0L))));
    }

    @DELETE
    @Path("/{segmentId}")
    @RolesAllowed("admin")
    public Uni<RestResponse<Void>> delete(@PathParam("segmentId") String segmentId) {
        return definitions.deleteSegment(segmentId).map(v -> RestResponse.noContent());
    }
}
