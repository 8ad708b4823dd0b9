package io.happypath.analytics.domain;

import java.util.Map;
import java.util.TreeMap;

/**
 * The distribution of the time profiles took from one funnel stage to the next: how many profiles converted after
 * each number of seconds, at the resolution of the schema's {@code seconds_bucket} (whole seconds below 1,000 s,
 * three significant digits above). Counts from the per-day histograms and from per-profile rows add up here.
 */
public final class TimeToConvert {

    private final TreeMap<Long, Long> profilesBySeconds = new TreeMap<>();
    private long profiles;

    /** Adds {@code count} profiles that converted after {@code seconds}. */
    public TimeToConvert add(long seconds, long count) {
        profilesBySeconds.merge(seconds, count, Long::sum);
        profiles += count;
        return this;
    }

    /** The profiles that converted. */
    public long profiles() {
        return profiles;
    }

    /**
     * The {@code p} percentile of the seconds, interpolated between the two nearest profiles exactly as PostgreSQL's
     * {@code percentile_cont} does over one row per profile; null when no profile converted.
     */
    public Double percentile(double p) {
        if (profiles == 0) {
            return null;
        }
        double position = p * (profiles - 1);
        long first = (long) Math.floor(position);
        long second = (long) Math.ceil(position);
        double low = secondsOf(first);
        double high = secondsOf(second);
        return low + (high - low) * (position - first);
    }

    /** The seconds of the profile at {@code index} (0-based) in ascending order. */
    private long secondsOf(long index) {
        long seen = 0;
        for (Map.Entry<Long, Long> e : profilesBySeconds.entrySet()) {
            seen += e.getValue();
            if (index < seen) {
                return e.getKey();
            }
        }
        throw new IndexOutOfBoundsException(index);
    }
}
