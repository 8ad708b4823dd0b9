package io.happypath.journey.domain;

import java.time.Duration;
import java.time.Instant;
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

    static final Pattern FAILURE = Pattern.compile("(?i).*\\b(fail|failed|failure|error|declined|rejected|denied)\\b.*");
    static final Pattern SUPPORT = Pattern.compile("(?i).*\\b(support|ticket|complaint|help|call)\\b.*");
    static final Pattern SUCCESS = Pattern.compile("(?i).*\\b(completed|succeeded|activated|resolved|delivered)\\b.*");
    static final Duration REPEAT_WINDOW = Duration.ofMinutes(10);
    static final Duration SUPPORT_AFTER_FAILURE_WINDOW = Duration.ofMinutes(30);
    static final Duration CHANNEL_SWITCH_WINDOW = Duration.ofMinutes(10);

    private final Duration halfLife;

    public Emotions(Duration halfLife) {
        this.halfLife = halfLife;
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
        double factor = Math.pow(0.5, elapsed / halfLife.toMillis());
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
            if (nps <= 6) {
                feel(state, -(7 - nps) / 7);
            } else if (nps >= 9) {
                feel(state, (nps - 8) / 2);
            }
        }

        // Implicit signals.
        boolean failure = FAILURE.matcher(name).matches() || Boolean.FALSE.equals(p.get("success"))
                || "failed".equals(p.get("status"));
        if (failure) {
            raise(state, FRUSTRATION, 0.25);
            lower(state, CONFIDENCE, 0.2);
            raise(state, ANXIETY, 0.15);
        } else if (SUCCESS.matcher(name).matches()) {
            raise(state, CONFIDENCE, 0.15);
            lower(state, ANXIETY, 0.1);
        }
        boolean support = SUPPORT.matcher(name).matches() || "callcenter".equals(e.channel());
        if (support && !failure && state.internalLastFailureAt != null
                && within(state.internalLastFailureAt, e.at(), SUPPORT_AFTER_FAILURE_WINDOW)) {
            raise(state, FRUSTRATION, 0.2);
        }
        if (previous != null && within(previous.at(), e.at(), REPEAT_WINDOW) && !name.isEmpty()
                && name.equals(previous.event())) {
            raise(state, FRUSTRATION, 0.1);
            raise(state, ANXIETY, 0.05);
        }
        if (previous != null && e.channel() != null && previous.channel() != null
                && !e.channel().equals(previous.channel()) && within(previous.at(), e.at(), CHANNEL_SWITCH_WINDOW)) {
            raise(state, ANXIETY, 0.1);
            raise(state, FRUSTRATION, 0.05);
        }
        if (failure && (state.internalLastFailureAt == null || e.at().isAfter(state.internalLastFailureAt))) {
            state.internalLastFailureAt = e.at();
        }
    }

    /** Merges two vectors referring to the same time: the stronger deviation from neutral wins per dimension. */
    public static double mergeValue(String dim, double a, double b) {
        double neutral = NEUTRAL.getOrDefault(dim, 0.0);
        return Math.abs(a - neutral) >= Math.abs(b - neutral) ? a : b;
    }

    /** Negative values in -1..0 frustrate, positive ones in 0..1 delight. */
    private static void feel(ProfileState state, double s) {
        s = Math.max(-1, Math.min(1, s));
        if (s < 0) {
            raise(state, FRUSTRATION, 0.4 * -s);
            lower(state, CONFIDENCE, 0.2 * -s);
            lower(state, DELIGHT, 0.3 * -s);
        } else if (s > 0) {
            raise(state, DELIGHT, 0.4 * s);
            raise(state, CONFIDENCE, 0.2 * s);
            lower(state, FRUSTRATION, 0.3 * s);
        }
    }

    static Double sentiment(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof String s) {
            return switch (s.toLowerCase(Locale.ROOT).trim()) {
                case "very negative", "very_negative", "angry" -> -1.0;
                case "negative" -> -0.7;
                case "neutral" -> 0.0;
                case "positive" -> 0.7;
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
