package io.happypath.journey.rest;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.happypath.journey.domain.ProfileState;
import io.happypath.journey.service.StateService;
import io.happypath.platform.rest.ApiException;
import io.smallrye.mutiny.Uni;

/** {@code GET /v1/profiles/{profileId}/state}: a profile's live journey state, shaped exactly as API.md shows. */
@Path("/v1/profiles/{profileId}/state")
@jakarta.ws.rs.Produces(MediaType.APPLICATION_JSON)
public class ProfileStateResource {

    private final StateService state;

    public ProfileStateResource(StateService state) {
        this.state = state;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record History(String stage, Instant at, String channel, String event) {
    }

    public record Journey(String stage, Instant enteredAt, String status, boolean onHappyPath, List<History> history) {
    }

    public record Signal(Instant since, Map<String, Object> properties) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Touchpoint(String channel, String event, Instant at) {
    }

    public record View(String profileId, Map<String, Journey> journeys, Map<String, Signal> signals,
            Map<String, Double> emotion, List<String> segments, List<Touchpoint> lastTouchpoints, Instant updatedAt) {
    }

    /**
     * Analysts read states (API.md). {@code decision-client} is allowed as well because decision-service reads the
     * state of the profile it decides for with the caller's own bearer token whenever it has no service token of its
     * own ({@code happypath.decision.upstream.token} unset: the local stack, the Helm chart and the k8s manifests), and
     * that caller is a decision client; without it every decision would lose the journey state (docs/journey-state.md).
     */
    @GET
    @RolesAllowed({"admin", "analyst", "decision-client"})
    public Uni<View> get(@PathParam("profileId") String profileId) {
        return state.state(profileId).map(s -> {
            if (s == null) {
                throw ApiException.notFound("Profile state", profileId);
            }
            return view(s);
        });
    }

    static View view(ProfileState s) {
        Map<String, Journey> journeys = new LinkedHashMap<>();
        s.journeys.forEach((id, js) -> journeys.put(id, new Journey(js.stage, js.enteredAt, js.status, js.onHappyPath,
                js.history.stream().map(h -> new History(h.stage(), h.at(), h.channel(), h.event())).toList())));
        Map<String, Signal> signals = new LinkedHashMap<>();
        s.signals.forEach((id, sig) -> signals.put(id,
                new Signal(sig.since(), sig.properties() == null ? Map.of() : sig.properties())));
        return new View(s.profileId, journeys, signals, s.emotion, s.segments,
                s.lastTouchpoints.stream().map(t -> new Touchpoint(t.channel(), t.event(), t.at())).toList(), s.updatedAt);
    }
}
