package io.happypath.analytics.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Experiment results for a binary metric, with GrowthBook's defaults (ALGORITHMS.md, "Experiments"): per variant
 * the conversion rate; against the control the relative uplift with a 95 % interval (two-proportion z-test, delta
 * method for the ratio), the two-sided p-value of the pooled z statistic, and the Bayesian chance to beat control
 * {@code P(θB > θA)} with {@code θ ~ Beta(1 + conversions, 1 + n − conversions)}; over all variants a
 * sample-ratio-mismatch χ² test against the configured allocation.
 */
public final class ExperimentStatistics {

    /** The variant compared against when present; otherwise the first variant by name. */
    public static final String CONTROL = "control";
    /** SRM is flagged below this p-value. */
    public static final double SRM_THRESHOLD = 0.001;

    private static final double Z95 = 1.959963984540054;

    private ExperimentStatistics() {
    }

    /** Exposures and conversions of one variant. */
    public record Counts(String variant, long exposed, long converted) {
    }

    /**
     * A variant's result; the comparison fields are null for the control (and for variants without data to compare).
     *
     * @param uplift relative uplift {@code (pB − pA) / pA}
     * @param upliftLower lower bound of its 95 % interval
     * @param upliftUpper upper bound of its 95 % interval
     * @param z the pooled two-proportion z statistic
     * @param pValue its two-sided p-value
     * @param confidence {@code 1 − pValue}
     * @param chanceToBeatControl {@code P(θB > θA)}
     */
    public record VariantResult(String variant, boolean control, long exposed, long converted, double rate,
            Double uplift, Double upliftLower, Double upliftUpper, Double z, Double pValue, Double confidence,
            Double chanceToBeatControl) {
    }

    /** The sample-ratio-mismatch check. */
    public record SampleRatio(double chiSquare, int degreesOfFreedom, double pValue, boolean mismatch,
            Map<String, Double> expectedShare) {
    }

    /** The whole result. */
    public record Result(String control, List<VariantResult> variants, SampleRatio sampleRatio) {
    }

    /**
     * Evaluates {@code counts}; {@code allocation} gives each variant's configured weight (missing variants weigh 1,
     * so by default the allocation is equal).
     */
    public static Result evaluate(List<Counts> counts, Map<String, Double> allocation) {
        List<Counts> sorted = new ArrayList<>(counts);
        sorted.sort(Comparator.comparing((Counts c) -> !c.variant().equals(CONTROL)).thenComparing(Counts::variant));
        Counts control = sorted.get(0);
        List<VariantResult> results = new ArrayList<>();
        for (Counts c : sorted) {
            double rate = rate(c);
            if (c == control) {
                results.add(new VariantResult(c.variant(), true, c.exposed(), c.converted(), rate, null, null, null, null,
                        null, null, null));
            } else {
                results.add(compare(control, c));
            }
        }
        return new Result(control.variant(), results, sampleRatio(sorted, allocation));
    }

    static VariantResult compare(Counts a, Counts b) {
        double pA = rate(a);
        double pB = rate(b);
        Double uplift = null;
        Double lower = null;
        Double upper = null;
        Double z = null;
        Double pValue = null;
        if (a.exposed() > 0 && b.exposed() > 0) {
            double pooled = (double) (a.converted() + b.converted()) / (a.exposed() + b.exposed());
            double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / a.exposed() + 1.0 / b.exposed()));
            if (se > 0) {
                z = (pB - pA) / se;
                pValue = 2 * (1 - Distributions.normalCdf(Math.abs(z)));
            }
            if (pA > 0) {
                uplift = (pB - pA) / pA;
                double varA = pA * (1 - pA) / a.exposed();
                double varB = pB * (1 - pB) / b.exposed();
                double seRel = Math.sqrt(varB / (pA * pA) + pB * pB * varA / (pA * pA * pA * pA));
                lower = uplift - Z95 * seRel;
                upper = uplift + Z95 * seRel;
            }
        }
        return new VariantResult(b.variant(), false, b.exposed(), b.converted(), pB, uplift, lower, upper, z, pValue,
                pValue == null ? null : 1 - pValue, chanceToBeat(a, b));
    }

    /**
     * {@code P(θB > θA)} for Beta posteriors with integer parameters, exactly (Evan Miller's closed form, summed
     * in log space): {@code Σ_{i<αB} B(αA + i, βA + βB) / ((βB + i) B(1 + i, βB) B(αA, βA))}.
     */
    public static double chanceToBeat(Counts a, Counts b) {
        long alphaA = 1 + a.converted();
        long betaA = 1 + a.exposed() - a.converted();
        long alphaB = 1 + b.converted();
        long betaB = 1 + b.exposed() - b.converted();
        double total = 0;
        for (long i = 0; i < alphaB; i++) {
            total += Math.exp(Distributions.logBeta(alphaA + i, betaA + betaB) - Math.log(betaB + i)
                    - Distributions.logBeta(1 + i, betaB) - Distributions.logBeta(alphaA, betaA));
        }
        return Math.min(1, Math.max(0, total));
    }

    static SampleRatio sampleRatio(List<Counts> counts, Map<String, Double> allocation) {
        double weights = 0;
        long total = 0;
        for (Counts c : counts) {
            weights += allocation.getOrDefault(c.variant(), 1.0);
            total += c.exposed();
        }
        double chi = 0;
        Map<String, Double> shares = new java.util.LinkedHashMap<>();
        for (Counts c : counts) {
            double share = allocation.getOrDefault(c.variant(), 1.0) / weights;
            shares.put(c.variant(), share);
            double expected = share * total;
            if (expected > 0) {
                chi += (c.exposed() - expected) * (c.exposed() - expected) / expected;
            }
        }
        int df = Math.max(1, counts.size() - 1);
        double p = counts.size() < 2 || total == 0 ? 1 : Distributions.regularizedGammaQ(df / 2.0, chi / 2);
        return new SampleRatio(chi, df, p, p < SRM_THRESHOLD, shares);
    }

    private static double rate(Counts c) {
        return c.exposed() == 0 ? 0 : (double) c.converted() / c.exposed();
    }
}
