package io.happypath.decision.domain;

/**
 * Positive and negative responses counted in one bin (a predictor bin, a score bin or a whole model).
 *
 * @param positives responses that count as success (clicked, accepted, converted)
 * @param negatives responses that count as failure (dismissed)
 */
public record BinCounts(long positives, long negatives) {

    public static final BinCounts NONE = new BinCounts(0, 0);

    public long responses() {
        return positives + negatives;
    }

    /** Pega's smoothed propensity {@code (0.5 + positives) / (1 + positives + negatives)}: 0.5 without evidence. */
    public double propensity() {
        return (0.5 + positives) / (1.0 + positives + negatives);
    }

    public BinCounts plus(BinCounts other) {
        return new BinCounts(positives + other.positives, negatives + other.negatives);
    }
}
