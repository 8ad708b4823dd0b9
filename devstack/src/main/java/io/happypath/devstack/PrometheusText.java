package io.happypath.devstack;

import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Reads values out of a Prometheus text scrape ({@code /q/metrics}) in tests. */
public final class PrometheusText {

    private PrometheusText() {
    }

    /**
     * The value of one series, e.g. {@code happypath_identity_events_consumed_total{topic="hp.events.raw.v1"}}
     * written exactly as the scrape writes it, or 0 when the scrape does not have it yet.
     */
    public static double value(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1).strip()))
                .findFirst().orElse(0);
    }

    /** The metric names of every series in the scrape, e.g. {@code jvm_memory_used_bytes}. */
    public static Set<String> names(String scrape) {
        return scrape.lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
                .map(l -> l.split("[{ ]", 2)[0]).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The sum of every series of a metric, whatever its labels, e.g. all {@code happypath_analytics_events_consumed_total}. */
    public static double sum(String scrape, String metric) {
        return scrape.lines().filter(l -> l.startsWith(metric + " ") || l.startsWith(metric + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1).strip())).sum();
    }
}
