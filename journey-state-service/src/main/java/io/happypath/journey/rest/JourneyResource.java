package io.happypath.journey.rest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.happypath.journey.domain.Counters;
import io.happypath.journey.domain.JourneyDefinition;
import io.happypath.journey.service.DefinitionService;
import io.happypath.journey.state.StateStore;
import io.happypath.platform.rest.ApiException;
import io.smallrye.mutiny.Uni;

/** Journey definitions (API.md): CRUD under {@code /v1/journeys} and the live stage counts of a journey. */
@Path("/v1/journeys")
@jakarta.ws.rs.Produces(MediaType.APPLICATION_JSON)
@jakarta.ws.rs.Consumes(MediaType.APPLICATION_JSON)
public class JourneyResource {

    private final DefinitionService definitions;
    private final StateStore store;
    private final ObjectMapper mapper;

    public JourneyResource(DefinitionService definitions, StateStore store, ObjectMapper mapper) {
        this.definitions = definitions;
        this.store = store;
        this.mapper = mapper;
    }

    /** Creates (201) or replaces (200, new version) a journey; an invalid definition is a 400 naming each problem. */
    @PUT
    @Path("/{journeyId}")
    @RolesAllowed("admin")
    public Uni<RestResponse<ObjectNode>> put(@PathParam("journeyId") String journeyId, JourneyDefinition body) {
        if (body == null) {
            throw ApiException.badRequest("invalid_definition", "The request body must be a journey definition");
        }
        return definitions.putJourney(journeyId, body).map(stored -> RestResponse.status(
                stored.created() ? RestResponse.Status.CREATED : RestResponse.Status.OK,
                view(stored.definition(), stored.version())));
    }

    @GET
    @RolesAllowed({"admin", "analyst"})
    public Uni<List<ObjectNode>> list() {
        return definitions.listJourneys()
                .map(list -> list.stream().map(s -> view(s.definition(), s.version())).toList());
    }

    @GET
    @Path("/{journeyId}")
    @RolesAllowed({"admin", "analyst"})
    public Uni<ObjectNode> get(@PathParam("journeyId") String journeyId) {
        return definitions.getJourney(journeyId).map(s -> view(s.definition(), s.version()));
    }

    @DELETE
    @Path("/{journeyId}")
    @RolesAllowed("admin")
    public Uni<RestResponse<Void>> delete(@PathParam("journeyId") String journeyId) {
        return definitions.deleteJourney(journeyId).map(v -> RestResponse.noContent());
    }

    /** Live counts kept in Redis as states change: profiles per stage now, and per status. */
    public record Live(String journeyId, Map<String, Long> stages, long stalled, long active, long completed,
            long exited) {
    }

    @GET
    @Path("/{journeyId}/live")
    @RolesAllowed({"admin", "analyst"})
    public Uni<Live> live(@PathParam("journeyId") String journeyId) {
        return definitions.getJourney(journeyId).flatMap(stored -> store.counters(Counters.journeyHash(journeyId))
                .map(counters -> {
                    Map<String, Long> stages = new LinkedHashMap<>();
                    stored.definition().stages().forEach(s -> stages.put(s.id(), 0L));
                    Map<String, Long> sorted = new TreeMap<>(counters);
                    sorted.forEach((k, v) -> {
                        if (k.startsWith("stage:")) {
                            stages.put(k.substring(6), v);
                        }
                    });
                    return new Live(journeyId, stages, counters.getOrDefault("status:stalled", 0L),
                            counters.getOrDefault("status:active", 0L), counters.getOrDefault("status:completed", 0L),
                            counters.getOrDefault("status:exited", 0L));
                }));
    }

    private ObjectNode view(JourneyDefinition d, int version) {
        ObjectNode node = mapper.valueToTree(d);
        node.put("version", version);
        return node;
    }
}
