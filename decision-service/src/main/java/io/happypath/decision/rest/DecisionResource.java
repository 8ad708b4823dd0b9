package io.happypath.decision.rest;

import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.jboss.resteasy.reactive.RestResponse;

import io.happypath.contracts.decision.Outcome;
import io.happypath.decision.config.DecisionConfig;
import io.happypath.decision.service.Decision;
import io.happypath.decision.service.DecisionRequest;
import io.happypath.decision.service.DecisionService;
import io.happypath.decision.service.OutcomeService;
import io.happypath.platform.rest.ApiException;
import io.smallrye.mutiny.Uni;

/** Decisions and their outcomes (API.md): {@code POST /v1/decisions}, {@code POST /v1/decisions/{id}/outcomes}. */
@Path("/v1/decisions")
public class DecisionResource {

    static final int DEFAULT_LIMIT = 3;
    static final int MAX_LIMIT = 50;

    /** An outcome report; {@code outcome} is one of impression|clicked|accepted|dismissed|converted. */
    public record OutcomeReport(String actionId, String outcome) {
    }

    private final DecisionService decisions;
    private final OutcomeService outcomes;
    private final DecisionConfig config;

    public DecisionResource(DecisionService decisions, OutcomeService outcomes, DecisionConfig config) {
        this.decisions = decisions;
        this.outcomes = outcomes;
        this.config = config;
    }

    /**
     * The next best actions for a profile on a channel. Never a 5xx because identity or live state is unavailable:
     * the decision is then marked {@code degraded}.
     */
    @POST
    @RolesAllowed({"admin", "decision-client"})
    public Uni<Decision> decide(DecisionRequest request) {
        return Uni.createFrom().deferred(() -> decisions.decide(validate(request)));
    }

    /** Reports what the customer did with an action of a decision; 202 once it is logged. */
    @POST
    @Path("/{decisionId}/outcomes")
    @RolesAllowed({"admin", "decision-client"})
    public Uni<RestResponse<Void>> outcome(@PathParam("decisionId") String decisionId, OutcomeReport report) {
        return Uni.createFrom().deferred(() -> {
            if (report == null) {
                throw ApiException.badRequest("missing_body", "The request needs {\"actionId\", \"outcome\"}.");
            }
            if (report.actionId() == null || report.actionId().isBlank()) {
                throw ApiException.badRequest("missing_field", "Field 'actionId' is required.");
            }
            if (report.outcome() == null) {
                throw ApiException.badRequest("missing_field", "Field 'outcome' is required.");
            }
            Outcome outcome;
            try {
                outcome = Outcome.fromWire(report.outcome());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("invalid_outcome", e.getMessage());
            }
            return outcomes.report(decisionId, report.actionId(), outcome).map(v -> RestResponse.accepted());
        });
    }

    DecisionRequest validate(DecisionRequest r) {
        if (r == null) {
            throw ApiException.badRequest("missing_body", "The request needs a decision request as a JSON object.");
        }
        if (r.channel() == null || r.channel().isBlank()) {
            throw ApiException.badRequest("missing_field", "Field 'channel' is required.");
        }
        if (!config.channels().contains(r.channel())) {
            throw new ApiException(400, "unknown_channel", "Unknown channel '" + r.channel() + "', expected one of "
                    + config.channels(), List.of(Map.of("field", "channel")));
        }
        int limit = r.limit() == null ? DEFAULT_LIMIT : r.limit();
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new ApiException(400, "invalid_limit", "Field 'limit' must be between 1 and " + MAX_LIMIT
                    + ", was " + limit, List.of(Map.of("field", "limit")));
        }
        boolean hasProfile = r.profileId() != null && !r.profileId().isBlank();
        boolean hasIdentifiers = r.identifiers() != null && !r.identifiers().isEmpty();
        if (!hasProfile && !hasIdentifiers) {
            throw ApiException.badRequest("missing_subject", "Name the customer with 'profileId' or 'identifiers'.");
        }
        if (hasIdentifiers && r.identifiers().entrySet().stream()
                .anyMatch(e -> e.getValue() == null || e.getValue().isBlank() || e.getKey().isBlank())) {
            throw ApiException.badRequest("invalid_identifiers", "Every identifier needs a type and a value.");
        }
        return new DecisionRequest(hasProfile ? r.profileId() : null, hasIdentifiers ? r.identifiers() : null,
                r.channel(), r.placement(), limit, r.context());
    }
}
