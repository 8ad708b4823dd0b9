package io.happypath.decision.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * The adaptive model of one action on one channel: Pega ADM's naive Bayes over binned predictors (ALGORITHMS.md,
 * "Adaptive model"), built from counts of positive and negative responses per predictor bin and per score bin.
 * <ul>
 * <li>Grouping: a bin with less than {@code minBinShare} of its predictor's responses is pooled with the other small
 * bins into one residual group (Pega's "grouping minimum cases"); a value never seen falls in the predictor's
 * {@code OTHER} bin, else in the residual group, else contributes nothing.</li>
 * <li>Contribution of a group (Laplace smoothing 1/nGroups):
 * {@code log(pos + 1/n) − log(1 + Σpos) − [log(neg + 1/n) − log(1 + Σneg)]}.</li>
 * <li>A predictor is active when the AUC of its groups exceeds {@code minAuc}.</li>
 * <li>Score: {@code (log(1 + TotalPos) − log(1 + TotalNeg) + Σ active contributions) / (1 + nActive)}.</li>
 * <li>Score → propensity: the score's bin in the classifier, pooled by pool-adjacent-violators
 * ({@link Calibration}); without classifier counts, the model's overall propensity; an empty model gives 0.5.</li>
 * </ul>
 * Immutable and thread-safe once built.
 */
public final class AdaptiveModel {

    /** Width of a classifier score bin. */
    public static final double SCORE_BIN_WIDTH = 0.05;
    private static final int MAX_SCORE_BIN = 100_000;

    /**
     * How the model is built.
     *
     * @param minAuc a predictor is active only when its AUC exceeds this (commonly 0.52)
     * @param minBinShare bins with a smaller share of their predictor's responses are pooled (Pega default 0.05)
     * @param maxBins values of a predictor beyond this many bins are counted in {@code OTHER}
     */
    public record Settings(double minAuc, double minBinShare, int maxBins) {

        public static Settings defaults() {
            return new Settings(0.52, 0.05, 25);
        }
    }

    /**
     * The counts a model is built from.
     *
     * @param totals responses of the model
     * @param predictors per predictor, the counts per bin
     * @param classifier per score bin index ({@link #scoreBin(double)}), the counts
     */
    public record Data(BinCounts totals, Map<String, Map<String, BinCounts>> predictors,
            SortedMap<Integer, BinCounts> classifier) {

        public static final Data EMPTY = new Data(BinCounts.NONE, Map.of(), new TreeMap<>());
    }

    /** Accumulates {@link Data} from stored counters. */
    public static final class DataBuilder {

        private long positives;
        private long negatives;
        private final Map<String, Map<String, long[]>> bins = new LinkedHashMap<>();
        private final SortedMap<Integer, long[]> scores = new TreeMap<>();

        public DataBuilder total(boolean positive, long count) {
            if (positive) {
                positives += count;
            } else {
                negatives += count;
            }
            return this;
        }

        public DataBuilder bin(String predictor, String bin, boolean positive, long count) {
            bins.computeIfAbsent(predictor, k -> new LinkedHashMap<>()).computeIfAbsent(bin, k -> new long[2])[positive
                    ? 0
                    : 1] += count;
            return this;
        }

        public DataBuilder score(int scoreBin, boolean positive, long count) {
            scores.computeIfAbsent(scoreBin, k -> new long[2])[positive ? 0 : 1] += count;
            return this;
        }

        public Data build() {
            Map<String, Map<String, BinCounts>> predictors = new LinkedHashMap<>();
            bins.forEach((p, m) -> {
                Map<String, BinCounts> counts = new LinkedHashMap<>();
                m.forEach((bin, c) -> counts.put(bin, new BinCounts(c[0], c[1])));
                predictors.put(p, counts);
            });
            SortedMap<Integer, BinCounts> classifier = new TreeMap<>();
            scores.forEach((i, c) -> classifier.put(i, new BinCounts(c[0], c[1])));
            return new Data(new BinCounts(positives, negatives), predictors, classifier);
        }
    }

    /**
     * A model's view of one decision.
     *
     * @param propensity the calibrated propensity p
     * @param evidence the model's responses n, for Thompson sampling Beta(1 + p·n, 1 + (1 − p)·n)
     */
    public record Scored(double score, int scoreBin, double propensity, long evidence) {
    }

    /** A reason code: how much the bin a decision fell in moved the score (log odds). */
    public record Reason(String predictor, String bin, double contribution) {
    }

    /**
     * What one response updates: a bin per predictor, and the classifier bin of the score the model gave before
     * learning from it.
     */
    public record Update(Map<String, String> bins, int scoreBin) {
    }

    /**
     * One bin of a predictor as the model uses it.
     *
     * @param propensity the bin's own smoothed propensity
     * @param contribution the log-odds contribution of the bin's group
     * @param pooled whether the bin is pooled with other small bins into a residual group
     */
    public record Bin(String bin, long positives, long negatives, double propensity, double contribution,
            boolean pooled) {
    }

    /** A predictor with its grouped bins. */
    public static final class Predictor {

        private final String name;
        private final BinCounts totals;
        private final Map<String, BinCounts> bins;
        private final Map<String, Double> contributionOfBin;
        private final Set<String> pooled;
        private final Double residualContribution;
        private final double auc;
        private final boolean active;

        Predictor(String name, Map<String, BinCounts> bins, Settings settings) {
            this.name = name;
            this.bins = bins;
            long pos = 0;
            long neg = 0;
            for (BinCounts c : bins.values()) {
                pos += c.positives();
                neg += c.negatives();
            }
            this.totals = new BinCounts(pos, neg);
            long n = totals.responses();
            List<String> own = new ArrayList<>();
            List<String> small = new ArrayList<>();
            BinCounts residual = BinCounts.NONE;
            for (Map.Entry<String, BinCounts> e : bins.entrySet()) {
                if (n > 0 && e.getValue().responses() >= settings.minBinShare() * n) {
                    own.add(e.getKey());
                } else {
                    small.add(e.getKey());
                    residual = residual.plus(e.getValue());
                }
            }
            List<BinCounts> groups = new ArrayList<>();
            own.forEach(b -> groups.add(bins.get(b)));
            if (!small.isEmpty()) {
                groups.add(residual);
            }
            double epsilon = groups.isEmpty() ? 1 : 1.0 / groups.size();
            this.contributionOfBin = new HashMap<>();
            for (String b : own) {
                contributionOfBin.put(b, contribution(bins.get(b), totals, epsilon));
            }
            this.residualContribution = small.isEmpty() ? null : contribution(residual, totals, epsilon);
            for (String b : small) {
                contributionOfBin.put(b, residualContribution);
            }
            this.pooled = small.size() > 1 ? Set.copyOf(small) : Set.of();
            this.auc = Roc.auc(groups);
            this.active = n > 0 && auc > settings.minAuc();
        }

        private static double contribution(BinCounts group, BinCounts totals, double epsilon) {
            return Math.log(group.positives() + epsilon) - Math.log(1 + totals.positives())
                    - (Math.log(group.negatives() + epsilon) - Math.log(1 + totals.negatives()));
        }

        /** The contribution of a value; null when the predictor has no evidence for it. */
        Double contribution(String value) {
            Double c = contributionOfBin.get(value);
            if (c == null) {
                c = contributionOfBin.get(Predictors.OTHER);
            }
            return c != null ? c : residualContribution;
        }

        public String name() {
            return name;
        }

        public boolean active() {
            return active;
        }

        public double auc() {
            return auc;
        }

        public BinCounts totals() {
            return totals;
        }

        /** The bins, highest propensity first. */
        public List<Bin> bins() {
            List<Bin> out = new ArrayList<>();
            bins.forEach((b, c) -> out.add(new Bin(b, c.positives(), c.negatives(), c.propensity(),
                    contributionOfBin.get(b), pooled.contains(b))));
            out.sort(Comparator.comparingDouble(Bin::propensity).reversed().thenComparing(Bin::bin));
            return out;
        }

        int size() {
            return bins.size();
        }

        boolean has(String bin) {
            return bins.containsKey(bin);
        }
    }

    /** A model without responses: propensity 0.5, no evidence, so Thompson sampling draws from Uniform(0, 1). */
    public static final AdaptiveModel EMPTY = build(Data.EMPTY, Settings.defaults());

    private final BinCounts totals;
    private final Map<String, Predictor> predictors;
    private final List<Predictor> activePredictors;
    private final double prior;
    private final Calibration calibration;
    private final SortedMap<Integer, BinCounts> classifier;
    private final double auc;
    private final Settings settings;

    private AdaptiveModel(Data data, Settings settings) {
        this.settings = settings;
        this.totals = data.totals();
        this.predictors = new LinkedHashMap<>();
        List<Predictor> active = new ArrayList<>();
        data.predictors().forEach((name, bins) -> {
            Predictor p = new Predictor(name, bins, settings);
            predictors.put(name, p);
            if (p.active()) {
                active.add(p);
            }
        });
        this.activePredictors = List.copyOf(active);
        this.prior = Math.log(1 + totals.positives()) - Math.log(1 + totals.negatives());
        this.classifier = data.classifier();
        this.calibration = Calibration.of(classifier);
        this.auc = Roc.auc(new ArrayList<>(classifier.entrySet()), e -> e.getKey(), Map.Entry::getValue);
    }

    public static AdaptiveModel build(Data data, Settings settings) {
        return new AdaptiveModel(data, settings);
    }

    /** The classifier bin of a score. */
    public static int scoreBin(double score) {
        double bin = Math.floor(score / SCORE_BIN_WIDTH);
        return (int) Math.max(-MAX_SCORE_BIN, Math.min(MAX_SCORE_BIN, bin));
    }

    /** Scores a decision's predictor values ({@link Predictors#of}). */
    public Scored score(Map<String, String> values) {
        double sum = prior;
        for (Predictor p : activePredictors) {
            Double c = p.contribution(valueOf(values, p.name()));
            if (c != null) {
                sum += c;
            }
        }
        double score = sum / (1 + activePredictors.size());
        int bin = scoreBin(score);
        Calibration.Block block = calibration.blockFor(bin);
        double propensity = block == null ? totals.propensity() : block.propensity();
        return new Scored(score, bin, propensity, totals.responses());
    }

    /**
     * The propensity P of arbitration: the calibrated propensity p explored by Thompson sampling from
     * Beta(1 + p·n, 1 + (1 − p)·n), n the model's evidence (ALGORITHMS.md). An empty model (p = 0.5, n = 0) draws
     * from Uniform(0, 1), so a new action gets explored.
     */
    public double sample(Map<String, String> values, RandomGenerator random) {
        Scored s = score(values);
        return BetaSampler.sample(s.propensity() * s.evidence(), (1 - s.propensity()) * s.evidence(), random);
    }

    /** The top reasons of a decision: active predictors' contributions, largest absolute value first. */
    public List<Reason> explain(Map<String, String> values, int top) {
        if (top <= 0 || activePredictors.isEmpty()) {
            return List.of();
        }
        List<Reason> reasons = new ArrayList<>(activePredictors.size());
        for (Predictor p : activePredictors) {
            String v = valueOf(values, p.name());
            Double c = p.contribution(v);
            if (c != null) {
                reasons.add(new Reason(p.name(), v, c));
            }
        }
        reasons.sort(Comparator.comparingDouble((Reason r) -> Math.abs(r.contribution())).reversed()
                .thenComparing(Reason::predictor));
        return reasons.size() > top ? List.copyOf(reasons.subList(0, top)) : reasons;
    }

    /**
     * What a response to a decision with these predictor values updates: every predictor the decision had or the
     * model knows (missing ones in their missing bin), values beyond {@code maxBins} in {@code OTHER}; and the
     * classifier bin of the score this model gives the decision.
     */
    public Update update(Map<String, String> values) {
        Set<String> names = new LinkedHashSet<>(values.keySet());
        names.addAll(predictors.keySet());
        Map<String, String> bins = new LinkedHashMap<>();
        for (String name : names) {
            String v = valueOf(values, name);
            Predictor p = predictors.get(name);
            if (p != null && !p.has(v) && p.size() >= settings.maxBins()) {
                v = Predictors.OTHER;
            }
            bins.put(name, v);
        }
        return new Update(bins, score(values).scoreBin());
    }

    private static String valueOf(Map<String, String> values, String predictor) {
        String v = values.get(predictor);
        return v != null ? v : Predictors.missing(predictor);
    }

    public BinCounts totals() {
        return totals;
    }

    /** The AUC of the model's score, from the classifier's bins. */
    public double auc() {
        return auc;
    }

    /** The predictors: active first, then by AUC, then by name. */
    public List<Predictor> predictors() {
        List<Predictor> list = new ArrayList<>(predictors.values());
        list.sort(Comparator.comparing((Predictor p) -> !p.active()).thenComparing(Comparator.comparingDouble(
                Predictor::auc).reversed()).thenComparing(Predictor::name));
        return list;
    }

    public int activeCount() {
        return activePredictors.size();
    }

    /** The classifier after pool-adjacent-violators, lowest score first. */
    public Calibration calibration() {
        return calibration;
    }

    /** The classifier's raw score bins. */
    public SortedMap<Integer, BinCounts> classifier() {
        return classifier;
    }
}
