package io.happypath.journey.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the journey state service ({@code happypath.journey.*}). */
@ConfigMapping(prefix = "happypath.journey")
public interface JourneyConfig {

    /** Prefix of every Redis key this service owns. */
    @WithDefault("hp:js:")
    String redisPrefix();

    /** Stage entries kept per journey in a profile's history (oldest dropped first). */
    @WithDefault("20")
    int historyLimit();

    /** Touchpoints kept per channel in {@code lastTouchpoints}. */
    @WithDefault("3")
    int touchpointsPerChannel();

    /** Channels kept in {@code lastTouchpoints}; bounds the state of very chatty profiles. */
    @WithDefault("8")
    int maxChannels();

    /**
     * How many processed event ids each profile's state remembers (with what they published) to drop redeliveries.
     * Kafka redelivers what was consumed after the last committed offset, so a short window per profile suffices;
     * older redeliveries are still stopped from moving stages backwards by the late-event rule.
     */
    @WithDefault("32")
    int processedPerProfile();

    /** How long a processed merge/erasure id is remembered when no state remains to remember it in. */
    @WithDefault("P7D")
    Duration processedTtl();

    /** Emotion decays towards neutral with this half-life. */
    @WithDefault("PT24H")
    Duration emotionHalfLife();

    /** How often this replica reloads journey and segment definitions changed by other replicas. */
    @WithDefault("10s")
    String definitionsRefresh();

    /** How often due stall timers are claimed. */
    @WithDefault("1s")
    String timersPoll();

    /** Timers claimed per poll. */
    @WithDefault("200")
    int timersBatch();

    /** A claimed timer not confirmed within this lease is claimed again (its replica died). */
    @WithDefault("PT30S")
    Duration timersLease();

    /** Install the shipped journeys (lifecycle, phone-onboarding) at start when absent. */
    @WithDefault("true")
    boolean installShippedJourneys();
}
