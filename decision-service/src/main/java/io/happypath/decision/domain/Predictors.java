package io.happypath.decision.domain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The predictors of the adaptive model and how a decision's inputs fall into their bins (ALGORITHMS.md, adaptive
 * model: symbolic predictors get one bin per value, plus a missing bin). Every predictor is symbolic:
 * <ul>
 * <li>{@code placement}: the request's placement (the channel is fixed per model);</li>
 * <li>{@code profile.known}: {@code true} or {@code false};</li>
 * <li>{@code journey.<journeyId>}: the stage the customer is in, per journey of the live state;</li>
 * <li>{@code emotion.<name>}: {@code low}, {@code mid} or {@code high} for each configured emotion;</li>
 * <li>{@code trait.<name>}: the value of each configured profile trait;</li>
 * <li>{@code segment.<segmentId>}: {@code in} for each segment of the live state.</li>
 * </ul>
 * A predictor the model knows but a decision does not have falls in {@link #MISSING} ({@link #OUT} for a segment).
 */
public final class Predictors {

    public static final String MISSING = "MISSING";
    /** The bin of a segment the customer is not in. */
    public static final String OUT = "out";
    /** Values beyond a predictor's maximum number of bins are counted here. */
    public static final String OTHER = "OTHER";
    static final String SEGMENT = "segment.";
    private static final int MAX_VALUE_LENGTH = 64;

    /**
     * Which inputs are predictors.
     *
     * @param traits profile traits used as predictors
     * @param emotions live-state emotions used as predictors, bucketed
     * @param lowBelow an emotion below this is {@code low}
     * @param highFrom an emotion at or above this is {@code high}; in between, {@code mid}
     */
    public record Settings(List<String> traits, List<String> emotions, double lowBelow, double highFrom) {

        public Settings {
            traits = List.copyOf(traits);
            emotions = List.copyOf(emotions);
            if (!(lowBelow <= highFrom)) {
                throw new IllegalArgumentException("emotion thresholds must ascend, were " + lowBelow + ", "
                        + highFrom);
            }
        }

        public static Settings defaults() {
            return new Settings(List.of(), List.of("frustration", "confidence", "delight", "anxiety"), 0.3, 0.6);
        }
    }

    private Predictors() {
    }

    /** The bins a decision's inputs fall in, by predictor name. */
    public static Map<String, String> of(DecisionInputs in, Settings settings) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("placement", in.placement() == null ? MISSING : clean(in.placement()));
        values.put("profile.known", String.valueOf(Boolean.TRUE.equals(in.profile().get("known"))));
        Pipeline.map(in.state().get("journeys")).forEach((journey, j) -> {
            Object stage = Pipeline.map(j).get("stage");
            if (stage != null) {
                values.put("journey." + clean(journey), clean(String.valueOf(stage)));
            }
        });
        Map<String, Object> emotion = Pipeline.map(in.state().get("emotion"));
        for (String name : settings.emotions()) {
            Double v = Pipeline.number(emotion.get(name));
            values.put("emotion." + clean(name), v == null
                    ? MISSING
                    : v < settings.lowBelow() ? "low" : v < settings.highFrom() ? "mid" : "high");
        }
        Map<String, Object> traits = Pipeline.map(in.profile().get("traits"));
        for (String name : settings.traits()) {
            Object v = traits.get(name);
            values.put("trait." + clean(name), v == null || v instanceof Map || v instanceof List
                    ? MISSING
                    : clean(String.valueOf(v)));
        }
        if (in.state().get("segments") instanceof List<?> segments) {
            for (Object s : segments) {
                if (s != null) {
                    values.put(SEGMENT + clean(String.valueOf(s)), "in");
                }
            }
        }
        return values;
    }

    /** The bin of a predictor that a decision has no value for. */
    public static String missing(String predictor) {
        return predictor.startsWith(SEGMENT) ? OUT : MISSING;
    }

    /** Names and values are stored in Redis hash fields separated by '|', and kept short. */
    static String clean(String s) {
        String v = s.replace('|', '/');
        return v.length() > MAX_VALUE_LENGTH ? v.substring(0, MAX_VALUE_LENGTH) : v;
    }
}
