package io.happypath.analytics.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class TimeToConvertTest {

    @Test
    void percentilesOfTheCountsAreThoseOfOneValuePerProfile() {
        Random random = new Random(3);
        for (int round = 0; round < 200; round++) {
            TimeToConvert times = new TimeToConvert();
            List<Long> values = new ArrayList<>();
            int buckets = 1 + random.nextInt(20);
            for (int b = 0; b < buckets; b++) {
                long seconds = random.nextInt(5000);
                int count = 1 + random.nextInt(random.nextBoolean() ? 3 : 300);
                times.add(seconds, count);
                for (int k = 0; k < count; k++) {
                    values.add(seconds);
                }
            }
            Collections.sort(values);
            assertEquals(values.size(), times.profiles());
            for (double p : new double[]{0, 0.1, 0.5, 0.9, 1}) {
                assertEquals(percentileCont(values, p), times.percentile(p), 0.0, "p" + p + " of " + values);
            }
        }
    }

    @Test
    void noProfileNoPercentile() {
        assertNull(new TimeToConvert().percentile(0.5));
        assertEquals(0, new TimeToConvert().profiles());
    }

    @Test
    void interpolatesBetweenNeighbours() {
        TimeToConvert times = new TimeToConvert().add(10, 1).add(20, 1).add(10, 0);
        assertEquals(15.0, times.percentile(0.5));
        assertEquals(19.0, times.percentile(0.9), 1e-12);
    }

    /** PostgreSQL's percentile_cont over sorted values, written out. */
    static double percentileCont(List<Long> sorted, double p) {
        double position = p * (sorted.size() - 1);
        int first = (int) Math.floor(position);
        int second = (int) Math.ceil(position);
        return sorted.get(first) + (sorted.get(second) - sorted.get(first)) * (position - first);
    }
}
