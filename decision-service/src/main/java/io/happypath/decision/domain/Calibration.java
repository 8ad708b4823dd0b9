package io.happypath.decision.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.function.ToDoubleFunction;

/**
 * Score → propensity calibration (ALGORITHMS.md, adaptive model): the classifier's score bins, pooled by
 * pool-adjacent-violators (isotonic regression) so that propensity never decreases as the score grows. A block's
 * propensity is {@code (0.5 + positives) / (1 + positives + negatives)}.
 */
public final class Calibration {

    /**
     * Adjacent score bins pooled together.
     *
     * @param fromBin the first score bin index of the block
     * @param toBin the last score bin index of the block (inclusive)
     */
    public record Block(int fromBin, int toBin, BinCounts counts) {

        public double propensity() {
            return counts.propensity();
        }
    }

    private final List<Block> blocks;

    private Calibration(List<Block> blocks) {
        this.blocks = blocks;
    }

    /** Calibrates score bins (index → counts); empty bins are skipped. */
    public static Calibration of(SortedMap<Integer, BinCounts> scoreBins) {
        return new Calibration(poolAdjacentViolators(scoreBins));
    }

    /**
     * Pool-adjacent-violators over score bins in ascending order: isotonic regression of the observed rate
     * {@code positives / responses}, weighted by responses; then the same over the smoothed propensity, because
     * smoothing can reorder blocks with few responses. Each pass merges the newest block with its predecessor while
     * the predecessor's value is higher, so its output never decreases whatever the value function.
     */
    public static List<Block> poolAdjacentViolators(SortedMap<Integer, BinCounts> scoreBins) {
        List<Block> blocks = new ArrayList<>();
        scoreBins.forEach((bin, counts) -> {
            if (counts.responses() > 0) {
                blocks.add(new Block(bin, bin, counts));
            }
        });
        return List.copyOf(pool(pool(blocks, Calibration::rate), Block::propensity));
    }

    private static double rate(Block b) {
        return (double) b.counts().positives() / b.counts().responses();
    }

    private static List<Block> pool(List<Block> blocks, ToDoubleFunction<Block> value) {
        List<Block> stack = new ArrayList<>(blocks.size());
        for (Block b : blocks) {
            stack.add(b);
            while (stack.size() >= 2 && value.applyAsDouble(stack.get(stack.size() - 2)) > value.applyAsDouble(stack
                    .get(stack.size() - 1))) {
                Block last = stack.remove(stack.size() - 1);
                Block previous = stack.remove(stack.size() - 1);
                stack.add(new Block(previous.fromBin(), last.toBin(), previous.counts().plus(last.counts())));
            }
        }
        return stack;
    }

    public List<Block> blocks() {
        return blocks;
    }

    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    /**
     * The block a score bin falls in; between blocks (score bins never seen), the nearer one, the lower on a tie.
     * Null when the classifier has no responses.
     */
    public Block blockFor(int scoreBin) {
        if (blocks.isEmpty()) {
            return null;
        }
        int lo = 0;
        int hi = blocks.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Block b = blocks.get(mid);
            if (scoreBin < b.fromBin()) {
                hi = mid - 1;
            } else if (scoreBin > b.toBin()) {
                lo = mid + 1;
            } else {
                return b;
            }
        }
        // Now blocks[hi] lies below the bin and blocks[lo] above it.
        if (hi < 0) {
            return blocks.get(0);
        }
        if (lo >= blocks.size()) {
            return blocks.get(blocks.size() - 1);
        }
        Block below = blocks.get(hi);
        Block above = blocks.get(lo);
        return scoreBin - below.toBin() <= above.fromBin() - scoreBin ? below : above;
    }
}
