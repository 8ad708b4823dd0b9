package io.happypath.journey.config;

import java.time.Duration;
import java.util.List;

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
     * How many processed cause ids (CloudEvent ids, 12-character digests) each profile's state remembers to drop
     * duplicates that arrive as new Kafka records (a producer that published an event twice). Redeliveries of the same
     * record (a consumer restart or rebalance) are recognised by the per-partition offset watermark kept in the
     * state, whatever this window; a late event never moves a stage backwards either way (docs/journey-state.md).
     */
    @WithDefault("64")
    int processedPerProfile();

    /** How long a processed merge/erasure id is remembered when no state remains to remember it in. */
    @WithDefault("P7D")
    Duration processedTtl();

    /**
     * How long a profile merged into another redirects its events to the survivor: identity-service may have tagged
     * events with the merged id before the merge, and this service may read them after it. Keep it above the
     * retention of {@code hp.events.v1}.
     */
    @WithDefault("P14D")
    Duration mergeRedirectTtl();

    /** The emotion rules' weights, windows and thresholds (docs/journey-state.md, "Emotion"). */
    Emotion emotion();

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

    /** How often each replica looks for a pending segment back-fill (a segment created, changed or deleted). */
    @WithDefault("2s")
    String backfillPoll();

    /**
     * A back-fill starts this long after the segment change was requested, so that every replica has loaded the new
     * definition by then (keep it above {@code definitions-refresh}).
     */
    @WithDefault("PT15S")
    Duration backfillDelay();

    /** State keys read per SCAN step of a back-fill (and per pipelined read/write). */
    @WithDefault("500")
    int backfillBatch();

    /** The back-fill lease: a replica that stops renewing it (it died) is replaced after this long, from its cursor. */
    @WithDefault("PT30S")
    Duration backfillLease();

    /**
     * Histogram buckets (Prometheus {@code le}) of {@code apply.latency} and {@code apply.delay}, e.g. to watch the
     * share of events stored within 20 ms.
     */
    @WithDefault("PT0.005S,PT0.01S,PT0.02S,PT0.05S,PT0.1S,PT0.5S,PT1S,PT5S")
    List<Duration> latencyBuckets();

    /** Batches of {@code hp.events.v1} whose publication may be awaited at once (their states are already stored). */
    @WithDefault("4")
    int publishInFlight();

    /**
     * Emotion rules. Each rule moves the four dimensions by weights: a positive weight w raises the dimension
     * ({@code v + (1 - v)·w}), a negative one lowers it ({@code v·(1 - |w|)}); sentiment rules scale the weights by the
     * sentiment's strength |s|.
     */
    interface Emotion {

        /** Each dimension decays towards its neutral value with this half-life. */
        @WithDefault("PT24H")
        Duration halfLife();

        /** Negative explicit sentiment (per unit of |s|). */
        NegativeSentiment negativeSentiment();

        /** Positive explicit sentiment (per unit of s). */
        PositiveSentiment positiveSentiment();

        /** A failure event. */
        Failure failure();

        /** A success event. */
        Success success();

        /** A support contact within {@code support-after-failure-window} of a failure. */
        SupportAfterFailure supportAfterFailure();

        /** The same event name as the previous touchpoint within {@code repeat-window}. */
        Repeat repeat();

        /** Another channel than the previous touchpoint within {@code channel-switch-window}. */
        ChannelSwitch channelSwitch();

        @WithDefault("PT30M")
        Duration supportAfterFailureWindow();

        @WithDefault("PT10M")
        Duration repeatWindow();

        @WithDefault("PT10M")
        Duration channelSwitchWindow();

        /** The strength of the words {@code negative}/{@code positive} in {@code properties.sentiment} ("very ..." is 1). */
        @WithDefault("0.7")
        double sentimentWordStrength();

        /** NPS scores up to this are detractors: s = -(max + 1 - nps)/(max + 1). */
        @WithDefault("6")
        int npsDetractorMax();

        /** NPS scores from this are promoters: s = (nps - (min - 1))/(10 - (min - 1)). */
        @WithDefault("9")
        int npsPromoterMin();

        /** Words in an event name that make it a failure (whole words, any case). */
        @WithDefault("fail,failed,failure,error,declined,rejected,denied")
        List<String> failureWords();

        /** Words in an event name that make it a success. */
        @WithDefault("completed,succeeded,activated,resolved,delivered")
        List<String> successWords();

        /** Words in an event name that make it a support contact. */
        @WithDefault("support,ticket,complaint,help,call")
        List<String> supportWords();

        /** Channels whose every event is a support contact. */
        @WithDefault("callcenter")
        List<String> supportChannels();

        interface NegativeSentiment {

            @WithDefault("0.4")
            double frustration();

            @WithDefault("-0.2")
            double confidence();

            @WithDefault("-0.3")
            double delight();

            @WithDefault("0")
            double anxiety();
        }

        interface PositiveSentiment {

            @WithDefault("-0.3")
            double frustration();

            @WithDefault("0.2")
            double confidence();

            @WithDefault("0.4")
            double delight();

            @WithDefault("0")
            double anxiety();
        }

        interface Failure {

            @WithDefault("0.25")
            double frustration();

            @WithDefault("-0.2")
            double confidence();

            @WithDefault("0")
            double delight();

            @WithDefault("0.15")
            double anxiety();
        }

        interface Success {

            @WithDefault("0")
            double frustration();

            @WithDefault("0.15")
            double confidence();

            @WithDefault("0")
            double delight();

            @WithDefault("-0.1")
            double anxiety();
        }

        interface SupportAfterFailure {

            @WithDefault("0.2")
            double frustration();

            @WithDefault("0")
            double confidence();

            @WithDefault("0")
            double delight();

            @WithDefault("0")
            double anxiety();
        }

        interface Repeat {

            @WithDefault("0.1")
            double frustration();

            @WithDefault("0")
            double confidence();

            @WithDefault("0")
            double delight();

            @WithDefault("0.05")
            double anxiety();
        }

        interface ChannelSwitch {

            @WithDefault("0.05")
            double frustration();

            @WithDefault("0")
            double confidence();

            @WithDefault("0")
            double delight();

            @WithDefault("0.1")
            double anxiety();
        }
    }
}
