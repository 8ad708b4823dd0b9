package io.happypath.analytics.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.happypath.analytics.domain.ExperimentStatistics.Counts;
import io.happypath.analytics.domain.ExperimentStatistics.Result;
import io.happypath.analytics.domain.ExperimentStatistics.VariantResult;

/** Expected values computed independently (Python: math.erfc, midpoint integration of the Beta densities). */
class ExperimentStatisticsTest {

    @Test
    void twoProportionZTestUpliftIntervalAndChanceToBeatControl() {
        Result r = ExperimentStatistics.evaluate(List.of(new Counts("treatment", 1000, 120), new Counts("control", 1000, 100)),
                Map.of());
        assertEquals("control", r.control());
        VariantResult control = r.variants().get(0);
        assertTrue(control.control());
        assertNull(control.uplift());
        VariantResult t = r.variants().get(1);
        assertEquals(0.12, t.rate(), 1e-12);
        assertEquals(0.2, t.uplift(), 1e-9);
        assertEquals(-0.10058461614448244, t.upliftLower(), 1e-9);
        assertEquals(0.5005846161444822, t.upliftUpper(), 1e-9);
        assertEquals(1.429300849823232, t.z(), 1e-9);
        assertEquals(0.152917781863946, t.pValue(), 1e-12);
        assertEquals(0.9231834384268437, t.chanceToBeatControl(), 1e-8);
    }

    @Test
    void sampleRatioMismatchAgainstEqualAndConfiguredAllocation() {
        Result equal = ExperimentStatistics.evaluate(List.of(new Counts("control", 1000, 1), new Counts("b", 1100, 1)),
                Map.of());
        assertEquals(4.761904761904762, equal.sampleRatio().chiSquare(), 1e-9);
        assertEquals(0.02909633174125221, equal.sampleRatio().pValue(), 1e-12);
        assertFalse(equal.sampleRatio().mismatch());

        Result skewed = ExperimentStatistics.evaluate(List.of(new Counts("control", 1000, 1), new Counts("b", 1100, 1)),
                Map.of("control", 90.0, "b", 10.0));
        assertTrue(skewed.sampleRatio().mismatch());
    }

    @Test
    void chiSquareSurvivalMatchesKnownQuantiles() {
        // χ² critical values at p = 0.05: df 1 → 3.841459, df 2 → 5.991465, df 4 → 9.487729.
        assertEquals(0.05, Distributions.regularizedGammaQ(0.5, 3.841459 / 2), 1e-6);
        assertEquals(0.05, Distributions.regularizedGammaQ(1.0, 5.991465 / 2), 1e-6);
        assertEquals(0.05, Distributions.regularizedGammaQ(2.0, 9.487729 / 2), 1e-6);
        assertEquals(1.959963984540054, Distributions.normalQuantile(0.975), 1e-9);
    }

    @Test
    void variantsWithoutConversionsHaveNoUpliftButAChance() {
        Result r = ExperimentStatistics.evaluate(List.of(new Counts("control", 10, 0), new Counts("b", 10, 0)), Map.of());
        VariantResult b = r.variants().get(1);
        assertNull(b.uplift());
        assertNull(b.z());
        assertEquals(0.5, b.chanceToBeatControl(), 1e-9);
    }
}
