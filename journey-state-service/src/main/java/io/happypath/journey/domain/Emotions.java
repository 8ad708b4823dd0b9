package io.happypath.journey.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The emotion vector of a profile: frustration, confidence, delight and anxiety, each in 0..1. Explicit signals
 * (sentiment, CSAT, NPS) and implicit ones (failures, repeated attempts, support right after a failure, channel
 * switches) move it; between events it decays exponentially towards its neutral values with a configurable
 * half-life. The rules are documented in docs/journey-state.md; keep both in step.
 */
public final class Emotions {

    public static final String FRUSTRATION = "frustration";
    public static final String CONFIDENCE = "confidence";
    public static final String DELIGHT = "delight";
    public static final String ANXIETY = "anxiety";

    /** Neutral values: where each dimension decays to, and where a new profile starts. */
    public static final Map<String, Double> NEUTRAL = Map.of(FRUSTRATION, 0.0, CONFIDENCE, 0.5, DELIGHT, 0.0,
            ANXIETY, 0.0);

    /**
     * How much one rule moves each dimension: a positive weight w raises it ({@code v + (1 - v)·w}), a negative one
     * lowers it ({@code v·(1 - |w|)}).
     */
    public record Moves(double frustration, double confidence, double delight, double anxiety) {

        public static final Moves NONE = new Moves(0, 0, 0, 0);
    }

    /**
     * Every weight, window and threshold of the rules ({@code happypath.journey.emotion.*}); {@link #DEFAULTS} are
     * the documented values.
     */
    public record Settings(Duration halfLife, Moves negativeSentiment, Moves positiveSentiment, Moves failure,
            Moves success, Moves supportAfterFailure, Moves repeat, Moves channelSwitch, Duration supportAfterFailureWindow,
            Duration repeatWindow, Duration channelSwitchWindow, double sentimentWordStrength, int npsDetractorMax,
            int npsPromoterMin, List<String> failureWords, List<String> successWords, List<String> supportWords,
            List<String> supportChannels) {

        public static final Settings DEFAULTS = new Settings(Duration.ofHours(24), new Moves(0.4, -0.2, -0.3, 0),
                new Moves(-0.3, 0.2, 0.4, 0), new Moves(0.25, -0.2, 0, 0.15), new Moves(0, 0.15, 0, -0.1),
                new Moves(0.2, 0, 0, 0), new Moves(0.1, 0, 0, 0.05), new Moves(0.05, 0, 0, 0.1), Duration.ofMinutes(30),
                Duration.ofMinutes(10), Duration.ofMinutes(10), 0.7, 6, 9,
                List.of("fail", "failed", "failure", "error", "declined", "rejected", "denied"),
                List.of("completed", "succeeded", "activated", "resolved", "delivered"),
                List.of("support", "ticket", "complaint", "help", "call"), List.of("callcenter"));

        public Settings {
            if (halfLife == null || halfLife.isZero() || halfLife.isNegative()) {
                throw new IllegalArgumentException("emotion half-life must be positive, not " + halfLife);
            }
            if (npsDetractorMax < 0 || npsPromoterMin > 10 || npsDetractorMax >= npsPromoterMin) {
                throw new IllegalArgumentException("NPS thresholds must satisfy 0 <= detractor-max < promoter-min <= 10, not "
                        + npsDetractorMax + " and " + npsPromoterMin);
            }
            for (Moves m : List.of(negativeSentiment, positiveSentiment, failure, success, supportAfterFailure, repeat,
                    channelSwitch)) {
                for (double w : new double[]{m.frustration(), m.confidence(), m.delight(), m.anxiety()}) {
                    if (!(w >= -1 && w <= 1)) {
                        throw new IllegalArgumentException("emotion weights must be within -1..1, not " + w);
                    }
                }
            }
            failureWords = List.copyOf(failureWords);
            successWords = List.copyOf(successWords);
            supportWords = List.copyOf(supportWords);
            supportChannels = List.copyOf(supportChannels);
        }
    }

    private final Settings settings;
    private final Pattern failureNames;
    private final Pattern successNames;
    private final Pattern supportNames;

    public Emotions(Settings settings) {
        this.settings = settings;
        this.failureNames = words(settings.failureWords());
        this.successNames = words(settings.successWords());
        this.supportNames = words(settings.supportWords());
    }

    /** The default rules with another half-life. */
    public Emotions(Duration halfLife) {
        this(withHalfLife(Settings.DEFAULTS, halfLife));
    }

    public Settings settings() {
        return settings;
    }

    private static Settings withHalfLife(Settings s, Duration halfLife) {
        return new Settings(halfLife, s.negativeSentiment(), s.positiveSentiment(), s.failure(), s.success(),
                s.supportAfterFailure(), s.repeat(), s.channelSwitch(), s.supportAfterFailureWindow(), s.repeatWindow(),
                s.channelSwitchWindow(), s.sentimentWordStrength(), s.npsDetractorMax(), s.npsPromoterMin(),
                s.failureWords(), s.successWords(), s.supportWords(), s.supportChannels());
    }

    /** A case-insensitive whole-word match of any of {@code words}; never matches when there are none. */
    private static Pattern words(List<String> words) {
        List<String> quoted = words.stream().map(String::trim).filter(w -> !w.isEmpty()).map(Pattern::quote).toList();
        if (quoted.isEmpty()) {
            return Pattern.compile("(?!)");
        }
        return Pattern.compile("(?i).*\\b(" + String.join("|", quoted) + ")\\b.*");
    }

    /** Fills in missing dimensions with their neutral values. */
    public static void initialise(ProfileState state, Instant at) {
        NEUTRAL.forEach(state.emotion::putIfAbsent);
        if (state.emotionAt == null) {
            state.emotionAt = at;
        }
    }

    /** Decays the vector from {@code state.emotionAt} to {@code to}; never backwards in time. */
    public void decay(ProfileState state, Instant to) {
        initialise(state, to);
        if (!to.isAfter(state.emotionAt)) {
            return;
        }
        double elapsed = Duration.between(state.emotionAt, to).toMillis();
        double factor = Math.pow(0.5, elapsed / settings.halfLife().toMillis());
        state.emotion.replaceAll((dim, v) -> {
            double neutral = NEUTRAL.getOrDefault(dim, 0.0);
            return round(neutral + (v - neutral) * factor);
        });
        state.emotionAt = to;
    }

    /**
     * Applies the rules for one event. {@code previous} is the latest touchpoint before this event (or null).
     */
    public void apply(ProfileState state, IncomingEvent e, ProfileState.Touchpoint previous) {
        decay(state, e.at());
        String name = e.name() == null ? "" : e.name();
        Map<String, Object> p = e.properties();

        // Explicit signals.
        Double sentiment = sentiment(p.get("sentiment"));
        if (sentiment != null) {
            feel(state, sentiment);
        }
        Double csat = number(p.get("csat"));
        if (csat != null && csat >= 1 && csat <= 5) {
            feel(state, (csat - 3) / 2);
        }
        Double nps = number(p.get("nps"));
        if (nps != null && nps >= 0 && nps <= 10) {
            int detractorMax = settings.npsDetractorMax();
            int passiveMax = settings.npsPromoterMin() - 1;
            if (nps <= detractorMax) {
                feel(state, -(detractorMax + 1 - nps) / (detractorMax + 1));
            } else if (nps >= settings.npsPromoterMin()) {
                feel(state, (nps - passiveMax) / (10 - passiveMax));
            }
        }

        // Implicit signals.
        boolean failure = failureNames.matcher(name).matches() || Boolean.FALSE.equals(p.get("success"))
                || "failed".equals(p.get("status"));
        if (failure) {
            move(state, settings.failure(), 1);
        } else if (successNames.matcher(name).matches()) {
            move(state, settings.success(), 1);
        }
        boolean support = supportNames.matcher(name).matches()
                || (e.channel() != null && settings.supportChannels().contains(e.channel()));
        if (support && !failure && state.internalLastFailureAt != null
                && within(state.internalLastFailureAt, e.at(), settings.supportAfterFailureWindow())) {
            move(state, settings.supportAfterFailure(), 1);
        }
        if (previous != null && within(previous.at(), e.at(), settings.repeatWindow()) && !name.isEmpty()
                && name.equals(previous.event())) {
            move(state, settings.repeat(), 1);
        }
        if (previous != null && e.channel() != null && previous.channel() != null
                && !e.channel().equals(previous.channel()) && within(previous.at(), e.at(), settings.channelSwitchWindow())) {
            move(state, settings.channelSwitch(), 1);
        }
        if (failure && (state.internalLastFailureAt == null || e.at().isAfter(state.internalLastFailureAt))) {
            state.internalLastFailureAt = e.at();
        }
    }

    /**
     * Merges two values of one dimension referring to the same time, as if the moves behind both had happened to one
     * profile: two profiles that turn out to be one person each felt part of what that person went through, so their
     * deviations from neutral compose the way moves do ({@code v + (1 − v)·w} upwards, {@code v·(1 − |w|)} downwards),
     * and the result does not depend on which events were applied before the merge. Deviations in opposite directions
     * add up.
     */
    public static double mergeValue(String dim, double a, double b) {
        double n = NEUTRAL.getOrDefault(dim, 0.0);
        double merged;
        if (a >= n && b >= n) {
            merged = n >= 1 ? 1 : 1 - (1 - a) * (1 - b) / (1 - n);
        } else if (a <= n && b <= n) {
            merged = n <= 0 ? 0 : a * b / n;
        } else {
            merged = a + b - n;
        }
        return round(merged);
    }

    /** Negative values in -1..0 move by the negative-sentiment weights, positive ones by the positive ones. */
    private void feel(ProfileState state, double s) {
        s = Math.max(-1, Math.min(1, s));
        if (s < 0) {
            move(state, settings.negativeSentiment(), -s);
        } else if (s > 0) {
            move(state, settings.positiveSentiment(), s);
        }
    }

    private static void move(ProfileState state, Moves moves, double scale) {
        move(state, FRUSTRATION, moves.frustration() * scale);
        move(state, CONFIDENCE, moves.confidence() * scale);
        move(state, DELIGHT, moves.delight() * scale);
        move(state, ANXIETY, moves.anxiety() * scale);
    }

    private static void move(ProfileState state, String dim, double weight) {
        if (weight > 0) {
            raise(state, dim, weight);
        } else if (weight < 0) {
            lower(state, dim, -weight);
        }
    }

    Double sentiment(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof String s) {
            return switch (s.toLowerCase(Locale.ROOT).trim()) {
                case "very negative", "very_negative", "angry" -> -1.0;
                case "negative" -> -settings.sentimentWordStrength();
                case "neutral" -> 0.0;
                case "positive" -> settings.sentimentWordStrength();
                case "very positive", "very_positive" -> 1.0;
                default -> number(s);
            };
        }
        return null;
    }

    private static Double number(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static void raise(ProfileState state, String dim, double weight) {
        double v = state.emotion.getOrDefault(dim, NEUTRAL.getOrDefault(dim, 0.0));
        state.emotion.put(dim, round(v + (1 - v) * weight));
    }

    private static void lower(ProfileState state, String dim, double weight) {
        double v = state.emotion.getOrDefault(dim, NEUTRAL.getOrDefault(dim, 0.0));
        state.emotion.put(dim, round(v - v * weight));
    }

    private static boolean within(Instant earlier, Instant later, Duration window) {
        return !later.isBefore(earlier) && Duration.between(earlier, later).compareTo(window) <= 0;
    }

    private static double round(double v) {
        return Math.round(Math.max(0, Math.min(1, v)) * 10_000) / 10_000.0;
    }
}
