package io.happypath.decision.rest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import io.happypath.decision.cache.ModelCounts;
import io.happypath.decision.config.DecisionConfig;
import io.happypath.decision.domain.AdaptiveModel;
import io.happypath.decision.domain.Calibration;
import io.happypath.decision.domain.CompiledAction;
import io.happypath.decision.service.Catalogue;
import io.happypath.platform.rest.ApiException;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The adaptive models (ALGORITHMS.md, "Adaptive model"): {@code GET /v1/models} lists them, one per action and
 * channel; {@code GET /v1/models/{actionId}} shows an action's models with their predictors, bins and classifier.
 * Both read Redis now, not a replica's cache.
 */
@Path("/v1/models")
public class ModelResource {

    /** A model in the list. */
    public record ModelSummary(String actionId, String channel, long positives, long negatives, long responses,
            double propensity, double auc, int activePredictors) {
    }

    /**
     * The model of an action on one channel.
     *
     * @param propensity the model's overall smoothed propensity {@code (0.5 + positives) / (1 + responses)}
     * @param auc the AUC of the model's score, from its classifier
     * @param predictors active first, then by AUC
     * @param classifier the score bins after pool-adjacent-violators, lowest score first
     */
    public record ChannelModel(String channel, long positives, long negatives, long responses, double propensity,
            double auc, int activePredictors, List<PredictorReport> predictors, List<ScoreBin> classifier) {
    }

    /** A predictor: whether it takes part in the score, its AUC, and its bins (highest propensity first). */
    public record PredictorReport(String name, boolean active, double auc, long positives, long negatives,
            List<AdaptiveModel.Bin> bins) {
    }

    /**
     * A block of the calibrated classifier.
     *
     * @param fromScore the lowest score of the block (inclusive)
     * @param toScore the highest score of the block (exclusive)
     */
    public record ScoreBin(double fromScore, double toScore, long positives, long negatives, double propensity) {
    }

    /** The models of an action, one per channel it is offered on or has responses on. */
    @RegisterForReflection(targets = {ActionModel.class, ChannelModel.class, PredictorReport.class, ScoreBin.class,
            ModelSummary.class, AdaptiveModel.Bin.class})
    public record ActionModel(String actionId, List<ChannelModel> channels) {
    }

    private final ModelCounts models;
    private final Catalogue catalogue;
    private final DecisionConfig config;

    public ModelResource(ModelCounts models, Catalogue catalogue, DecisionConfig config) {
        this.models = models;
        this.catalogue = catalogue;
        this.config = config;
    }

    /** Every model with responses, by action then channel. */
    @GET
    @RolesAllowed({"admin", "analyst"})
    public Uni<List<ModelSummary>> list() {
        return allChannels().map(byChannel -> {
            List<ModelSummary> list = new ArrayList<>();
            byChannel.forEach((channel, models) -> models.forEach((action, m) -> list.add(new ModelSummary(action,
                    channel, m.totals().positives(), m.totals().negatives(), m.totals().responses(),
                    m.totals().propensity(), m.auc(), m.activeCount()))));
            list.sort(Comparator.comparing(ModelSummary::actionId).thenComparing(s -> config.channels()
                    .indexOf(s.channel())));
            return list;
        });
    }

    /** An action's models; 404 when the action is neither in the catalogue nor has a model. */
    @GET
    @Path("/{actionId}")
    @RolesAllowed({"admin", "analyst"})
    public Uni<ActionModel> get(@PathParam("actionId") String actionId) {
        return catalogue.snapshot().chain(snapshot -> Multi.createFrom().iterable(config.channels())
                .onItem().transformToUniAndConcatenate(channel -> models.read(channel, actionId)
                        .map(m -> Map.entry(channel, m)))
                .collect().asList().map(all -> {
                    CompiledAction action = snapshot.actions().get(actionId);
                    List<ChannelModel> channels = new ArrayList<>();
                    for (Map.Entry<String, AdaptiveModel> e : all) {
                        boolean offered = action != null && action.action().channels().contains(e.getKey());
                        if (offered || e.getValue().totals().responses() > 0) {
                            channels.add(report(e.getKey(), e.getValue()));
                        }
                    }
                    if (channels.isEmpty()) {
                        throw ApiException.notFound("model of action", actionId);
                    }
                    return new ActionModel(actionId, channels);
                }));
    }

    private Uni<Map<String, Map<String, AdaptiveModel>>> allChannels() {
        return Multi.createFrom().iterable(config.channels())
                .onItem().transformToUniAndConcatenate(channel -> models.read(channel).map(m -> Map.entry(channel, m)))
                .collect().asMap(Map.Entry::getKey, Map.Entry::getValue);
    }

    static ChannelModel report(String channel, AdaptiveModel m) {
        List<PredictorReport> predictors = m.predictors().stream().map(p -> new PredictorReport(p.name(), p.active(),
                p.auc(), p.totals().positives(), p.totals().negatives(), p.bins())).toList();
        List<ScoreBin> classifier = new ArrayList<>();
        for (Calibration.Block b : m.calibration().blocks()) {
            classifier.add(new ScoreBin(edge(b.fromBin()), edge(b.toBin() + 1), b.counts().positives(),
                    b.counts().negatives(), b.propensity()));
        }
        return new ChannelModel(channel, m.totals().positives(), m.totals().negatives(), m.totals().responses(),
                m.totals().propensity(), m.auc(), m.activeCount(), predictors, classifier);
    }

    /** The lower score edge of a classifier bin, without binary-fraction noise. */
    private static double edge(int scoreBin) {
        return Math.round(scoreBin * AdaptiveModel.SCORE_BIN_WIDTH * 1e6) / 1e6;
    }
}
