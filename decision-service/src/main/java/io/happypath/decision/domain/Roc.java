package io.happypath.decision.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The area under the ROC curve from binned counts (ALGORITHMS.md, adaptive model): bins sorted by their score,
 * best first, true and false positive rates cumulated, trapezoids summed. Bins with equal scores are one step of the
 * curve, so the result equals the Mann-Whitney statistic with ties counted one half.
 */
public final class Roc {

    private Roc() {
    }

    /**
     * The AUC of a ranking of bins by {@code score} (higher is more likely positive); 0.5 without both positives and
     * negatives.
     */
    public static <T> double auc(List<T> bins, ToDoubleFunction<T> score, Function<T, BinCounts> counts) {
        List<T> sorted = new ArrayList<>(bins);
        sorted.sort(Comparator.comparingDouble(score).reversed());
        long allPositives = 0;
        long allNegatives = 0;
        for (T b : sorted) {
            allPositives += counts.apply(b).positives();
            allNegatives += counts.apply(b).negatives();
        }
        if (allPositives == 0 || allNegatives == 0) {
            return 0.5;
        }
        double area = 0;
        long tp = 0;
        long fp = 0;
        int i = 0;
        while (i < sorted.size()) {
            // One step of the curve per distinct score.
            double s = score.applyAsDouble(sorted.get(i));
            long stepPositives = 0;
            long stepNegatives = 0;
            while (i < sorted.size() && score.applyAsDouble(sorted.get(i)) == s) {
                stepPositives += counts.apply(sorted.get(i)).positives();
                stepNegatives += counts.apply(sorted.get(i)).negatives();
                i++;
            }
            area += stepNegatives * (tp + tp + stepPositives) / 2.0;
            tp += stepPositives;
            fp += stepNegatives;
        }
        return area / ((double) allPositives * allNegatives);
    }

    /** The AUC of bins ranked by their own smoothed propensity. */
    public static double auc(List<BinCounts> bins) {
        return auc(bins, BinCounts::propensity, b -> b);
    }
}
