package io.happypath.analytics.rest;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.happypath.analytics.config.AnalyticsConfig;
import io.happypath.analytics.domain.Breakdown;
import io.happypath.analytics.domain.DecisionPerformance;
import io.happypath.analytics.domain.ExperimentStatistics;
import io.happypath.analytics.domain.InvalidParameter;
import io.happypath.analytics.domain.Label;
import io.happypath.analytics.domain.Sankey;
import io.happypath.analytics.domain.TimeRange;
import io.happypath.analytics.service.AnalyticsService;
import io.happypath.platform.rest.ApiException;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

/**
 * The analytics API of API.md: funnel, Sankey paths, channel effectiveness, experiments and decision performance.
 * Read by analysts.
 */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({"admin", "analyst"})
@RegisterForReflection(targets = {Sankey.Node.class, Sankey.Link.class, ExperimentStatistics.VariantResult.class,
        ExperimentStatistics.SampleRatio.class, AnalyticsService.FunnelStage.class, AnalyticsService.ChannelEffect.class,
        AnalyticsService.StageChannels.class, AnalyticsService.JourneyRef.class,
        AnalyticsService.ExperimentRef.class, AnalyticsService.FunnelGroup.class, AnalyticsService.Holdout.class,
        DecisionPerformance.ActionPerformance.class, DecisionPerformance.ReasonCount.class})
public class AnalyticsResource {

    /** Limits of API.md: a Sankey has 2..10 columns and keeps 1..50 labels per column. */
    static final int MIN_STEPS = 2;
    static final int MAX_STEPS = 10;
    static final int MIN_TOP = 1;
    static final int MAX_TOP = 50;

    private final AnalyticsService analytics;
    private final AnalyticsConfig config;

    public AnalyticsResource(AnalyticsService analytics, AnalyticsConfig config) {
        this.analytics = analytics;
        this.config = config;
    }

    /**
     * Per stage: entered, converted to the next stage, rate, median and p90 time to the next stage; optionally broken
     * down by the profiles' first channel or segment.
     */
    @GET
    @Path("/journeys/{journeyId}/funnel")
    public Uni<AnalyticsService.Funnel> funnel(@PathParam("journeyId") String journeyId, @QueryParam("from") String from,
            @QueryParam("to") String to, @QueryParam("stages") String stages, @QueryParam("breakdown") String breakdown) {
        TimeRange range = range(from, to);
        Breakdown b = param(() -> Breakdown.fromWire(breakdown));
        return analytics.funnel(journeyId, range, AnalyticsService.list(stages), b);
    }

    /** The Sankey of cross-channel paths; for every node inflow = Σ outflow + drop-off. */
    @GET
    @Path("/paths")
    public Uni<AnalyticsService.Paths> paths(@QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("steps") String steps, @QueryParam("top") String top, @QueryParam("label") String label,
            @QueryParam("startsWith") String startsWith, @QueryParam("journey") String journey) {
        TimeRange range = range(from, to);
        int s = param(() -> InvalidParameter.intParam("steps", steps, 5, MIN_STEPS, MAX_STEPS));
        int t = param(() -> InvalidParameter.intParam("top", top, 8, MIN_TOP, MAX_TOP));
        Label l = param(() -> label == null || label.isBlank() ? Label.CHANNEL_EVENT : labelOf(label));
        return analytics.paths(range, l, s, t, blankToNull(startsWith), blankToNull(journey));
    }

    /**
     * Channel effectiveness per stage: touched, advanced within the window, rate, lift over the untouched and, with
     * {@code holdout=<experimentId>}, over the stage's profiles in that experiment's {@code holdoutVariant}
     * ({@code control} unless given).
     */
    @GET
    @Path("/journeys/{journeyId}/channels")
    public Uni<AnalyticsService.Channels> channels(@PathParam("journeyId") String journeyId,
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("window") String window,
            @QueryParam("holdout") String holdout, @QueryParam("holdoutVariant") String holdoutVariant) {
        TimeRange range = range(from, to);
        Duration w = config.channelWindow();
        if (window != null && !window.isBlank()) {
            try {
                w = Duration.parse(window);
            } catch (DateTimeParseException e) {
                throw new ApiException(400, "invalid_parameter",
                        "'window' must be an ISO-8601 duration such as P7D or PT48H, was '" + window + "'",
                        List.of(new ParameterError("window")));
            }
            if (w.isNegative() || w.isZero()) {
                throw new ApiException(400, "invalid_parameter", "'window' must be positive, was '" + window + "'",
                        List.of(new ParameterError("window")));
            }
        }
        if (holdoutVariant != null && !holdoutVariant.isBlank() && blankToNull(holdout) == null) {
            throw new ApiException(400, "invalid_parameter", "'holdoutVariant' needs 'holdout' (the experiment id)",
                    List.of(new ParameterError("holdoutVariant")));
        }
        String variant = holdoutVariant == null || holdoutVariant.isBlank() ? ExperimentStatistics.CONTROL : holdoutVariant;
        return analytics.channels(journeyId, range, w, blankToNull(holdout), variant);
    }

    /**
     * Decision performance over the decisions made in the range: per action impressions (decisions that showed it),
     * outcomes and their rates, suppressions by kind of reason, and the tone-deaf offers the guards stopped.
     */
    @GET
    @Path("/actions/performance")
    public Uni<AnalyticsService.Performance> performance(@QueryParam("from") String from, @QueryParam("to") String to) {
        return analytics.performance(range(from, to));
    }

    /** Per variant: exposed, converted, rate, uplift with its 95 % interval, confidence, chance to beat control; SRM. */
    @GET
    @Path("/experiments/{experimentId}")
    public Uni<AnalyticsService.Experiment> experiment(@PathParam("experimentId") String experimentId,
            @QueryParam("allocation") String allocation) {
        return analytics.experiment(experimentId, AnalyticsService.allocation(allocation));
    }

    /** The journeys analytics has seen (the dashboard's journey filter). */
    @GET
    @Path("/analytics/journeys")
    public Uni<AnalyticsService.Journeys> journeys() {
        return analytics.journeys();
    }

    /** The experiments with exposures, most recent first (the dashboard's experiment filter). */
    @GET
    @Path("/analytics/experiments")
    public Uni<AnalyticsService.Experiments> experiments() {
        return analytics.experiments();
    }

    /** Which parameter an error is about, in the error body's details. */
    @RegisterForReflection
    public record ParameterError(String parameter) {
    }

    private static Label labelOf(String value) {
        try {
            return Label.fromWire(value);
        } catch (InvalidParameter e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new InvalidParameter("label", e.getMessage());
        }
    }

    private static TimeRange range(String from, String to) {
        return param(() -> TimeRange.parse(from, to, Instant.now()));
    }

    private static <T> T param(java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (InvalidParameter e) {
            throw new ApiException(400, e.code(), e.getMessage(), List.of(new ParameterError(e.parameter())));
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
