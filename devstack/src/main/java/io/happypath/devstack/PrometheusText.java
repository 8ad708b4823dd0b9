package io.happypath.devstack;

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

    /** The sum of every series of a metric, whatever its labels, e.g. all {@code happypath_analytics_events_consumed_total}. */
    public static double sum(String scrape, String metric) {
        return scrape.lines().filter(l -> l.startsWith(metric + " ") || l.startsWith(metric + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1).strip())).sum();
    }
}
