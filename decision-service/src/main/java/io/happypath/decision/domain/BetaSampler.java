package io.happypath.decision.domain;

import java.util.random.RandomGenerator;

/**
 * Thompson sampling for a Beta-Bernoulli arm (ALGORITHMS.md, adaptive model): draws θ ~ Beta(1 + positives,
 * 1 + negatives). A new arm draws from Uniform(0, 1), which is Beta(1, 1), so it gets explored.
 */
public final class BetaSampler {

    private BetaSampler() {
    }

    /** A draw from Beta(1 + positives, 1 + negatives). */
    public static double sample(double positives, double negatives, RandomGenerator random) {
        double x = gamma(1 + Math.max(0, positives), random);
        double y = gamma(1 + Math.max(0, negatives), random);
        return x / (x + y);
    }

    /** Marsaglia and Tsang's method for Gamma(shape, 1), shape ≥ 1. */
    static double gamma(double shape, RandomGenerator random) {
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x;
            double v;
            do {
                x = random.nextGaussian();
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = random.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }
}
