package io.happypath.decision.rest;

import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import io.happypath.decision.cache.ModelCounts;
import io.happypath.decision.config.DecisionConfig;
import io.happypath.decision.domain.BetaSampler;
import io.happypath.platform.rest.ApiException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** The adaptive model of an action: {@code GET /v1/models/{actionId}}. */
@Path("/v1/models")
public class ModelResource {

    /** The Beta-Bernoulli model of an action on one channel. */
    public record ChannelModel(String channel, long positives, long negatives, long responses, double propensity) {
    }

    /** The models of an action, one per channel with responses. */
    public record ActionModel(String actionId, List<ChannelModel> channels) {
    }

    private final ModelCounts models;
    private final DecisionConfig config;

    public ModelResource(ModelCounts models, DecisionConfig config) {
        this.models = models;
        this.config = config;
    }

    @GET
    @Path("/{actionId}")
    @RolesAllowed({"admin", "analyst"})
    public Uni<ActionModel> get(@PathParam("actionId") String actionId) {
        return Multi.createFrom().iterable(config.channels())
                .onItem().transformToUniAndConcatenate(channel -> models.read(channel)
                        .map(all -> {
                            ModelCounts.Counts c = all.get(actionId);
                            return c == null
                                    ? List.<ChannelModel>of()
                                    : List.of(new ChannelModel(channel, c.positives(), c.negatives(),
                                            c.responses(), BetaSampler.mean(c.positives(), c.negatives())));
                        }))
                .collect().in(ArrayList<ChannelModel>::new, ArrayList::addAll)
                .map(list -> {
                    if (list.isEmpty()) {
                        throw ApiException.notFound("model of action", actionId);
                    }
                    return new ActionModel(actionId, list);
                });
    }
}
