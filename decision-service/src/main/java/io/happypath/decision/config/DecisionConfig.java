package io.happypath.decision.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Configuration of the decision pipeline ({@code happypath.decision.*}). */
@ConfigMapping(prefix = "happypath.decision")
public interface DecisionConfig {

    /** The channels a decision may be requested for; others are a 400. */
    @WithDefault("web,app,email,sms,push,callcenter,store")
    List<String> channels();

    /** How long a decision is kept for its outcomes to be reported against it. */
    @WithDefault("P7D")
    Duration decisionTtl();

    /** How long a replica serves its in-memory catalogue before reloading it (writes on the replica reload at once). */
    @WithDefault("PT5S")
    Duration catalogueRefresh();

    /** Prefix of every Redis key this service writes. */
    @WithDefault("hp:decision:")
    String redisPrefix();

    Guards guards();

    /** Context weight rules by name: C = 1 + Σ matching weights / 100. */
    Map<String, ContextWeightRule> contextWeights();

    /** Business weight per action group, in percent (part of the lever). */
    Map<String, Double> groupWeights();

    /** Business weight per issue, in percent (part of the lever). */
    Map<String, Double> issueWeights();

    Model model();

    /**
     * Track events on hp.events.v1 that are outcomes when their properties carry a {@code decisionId}, as
     * {@code Event Name=outcome}; {@code properties.outcome} wins over the event name.
     */
    @WithDefault("Offer Viewed=impression,Offer Clicked=clicked,Offer Accepted=accepted,Offer Dismissed=dismissed,"
            + "Order Completed=converted")
    List<String> outcomeEvents();

    Upstream upstream();

    /** The built-in guards. */
    interface Guards {

        /** Live-state signals that, while open, suppress selling groups. */
        @WithDefault("openServiceIssue")
        List<String> blockingSignals();

        /** Frustration above this suppresses selling groups. */
        @WithDefault("0.6")
        double frustrationThreshold();

        @WithDefault("sales,upsell,cross-sell")
        List<String> sellingGroups();

        /** The group boosted while selling is suppressed. */
        @WithDefault("service")
        String serviceGroup();

        /** The context boost of the service group, in percent. */
        @WithDefault("100")
        double serviceBoost();

        @WithDefault("marketing")
        List<String> marketingGroups();

        /** A profile trait that withdraws marketing consent when false. */
        @WithDefault("marketingConsent")
        String consentTrait();

        /** A live-state signal that withdraws marketing consent while open. */
        @WithDefault("marketingConsentWithdrawn")
        String consentWithdrawnSignal();

        /** An action for a product bought within this window is not applicable. */
        @WithDefault("P30D")
        Duration recentPurchaseWindow();

        @WithDefault("Order Completed")
        List<String> purchaseEvents();
    }

    /** A context weight rule. */
    interface ContextWeightRule {

        /** CEL over profile, state, request and context. */
        String when();

        Optional<String> group();

        Optional<String> action();

        /** In percent. */
        double weight();
    }

    /** The adaptive model. */
    interface Model {

        /** Share of profiles in the model control group, which gets random propensity (Pega default 2 %). */
        @WithDefault("0.02")
        double holdout();

        /**
         * How long a replica reuses the model counts it read from Redis; older counts are still served while a fresh
         * read is under way.
         */
        @WithDefault("PT1S")
        Duration cacheTtl();

        /** Profile traits used as predictors (symbolic: one bin per value). */
        Optional<List<String>> traits();

        /** Live-state emotions used as predictors, bucketed into low, mid and high. */
        @WithDefault("frustration,confidence,delight,anxiety")
        List<String> emotions();

        /** Two ascending thresholds: an emotion below the first is low, at or above the second high. */
        @WithDefault("0.3,0.6")
        List<Double> emotionThresholds();

        /** A predictor takes part in the score only when its AUC exceeds this. */
        @WithDefault("0.52")
        double minAuc();

        /** Bins with a smaller share of their predictor's responses are pooled into one residual group. */
        @WithDefault("0.05")
        double minBinShare();

        /** Values of a predictor beyond this many bins are counted in its OTHER bin. */
        @WithDefault("25")
        int maxBins();

        /** How many reason codes each returned action carries in {@code explanation}. */
        @WithDefault("3")
        int explanationSize();
    }

    /** The identity-service and journey-state-service. */
    interface Upstream {

        /** A service token sent to both; when absent the caller's bearer token is forwarded. */
        Optional<String> token();

        /** How long a resolved identifier → profileId is reused. */
        @WithDefault("PT30S")
        Duration identityCacheTtl();
    }
}
