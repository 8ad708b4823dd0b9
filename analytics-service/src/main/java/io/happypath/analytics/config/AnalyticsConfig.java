package io.happypath.analytics.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the analytics service. */
@ConfigMapping(prefix = "happypath.analytics")
public interface AnalyticsConfig {

    /**
     * How long after entering a stage a profile may take to reach the next one and still count as advanced in
     * channel effectiveness, unless the request names a {@code window}.
     */
    @WithDefault("P7D")
    Duration channelWindow();

    /** How often the tables are checked for rows without planner statistics ({@code TableStatistics}). */
    @WithDefault("30s")
    Duration statisticsCheck();
}
