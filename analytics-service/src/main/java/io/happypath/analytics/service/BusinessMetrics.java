package io.happypath.analytics.service;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Prometheus business metrics for Grafana: {@code happypath.analytics.transitions{journey,stage}},
 * {@code happypath.analytics.stalls{journey,stage}}, {@code happypath.analytics.decisions{channel}},
 * {@code happypath.analytics.outcomes{outcome}} and {@code happypath.analytics.suppressions{reason}}. Counted as facts
 * are consumed (a redelivered event counts again: these are rates, the REST API has the exact numbers).
 */
@ApplicationScoped
public class BusinessMetrics {

    /** More distinct values than this for one tag fold into {@value #OTHER}, so a producer bug cannot explode series. */
    static final int MAX_VALUES_PER_TAG = 100;
    static final String OTHER = "other";

    private final MeterRegistry registry;
    private final Set<String> journeys = ConcurrentHashMap.newKeySet();
    private final Set<String> stages = ConcurrentHashMap.newKeySet();
    private final Set<String> channels = ConcurrentHashMap.newKeySet();
    private final Set<String> reasons = ConcurrentHashMap.newKeySet();

    public BusinessMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void transition(String journey, String stage) {
        registry.counter("happypath.analytics.transitions", "journey", bounded(journeys, journey), "stage",
                bounded(stages, stage)).increment();
    }

    public void stall(String journey, String stage) {
        registry.counter("happypath.analytics.stalls", "journey", bounded(journeys, journey), "stage",
                bounded(stages, stage)).increment();
    }

    public void decision(String channel) {
        registry.counter("happypath.analytics.decisions", "channel", bounded(channels, channel)).increment();
    }

    public void outcome(String outcome) {
        registry.counter("happypath.analytics.outcomes", "outcome", outcome).increment();
    }

    /** Counts a suppression under its kind ({@code SuppressionKind}: service-issue, frustration, consent, ...). */
    public void suppression(String kind) {
        registry.counter("happypath.analytics.suppressions", "reason", bounded(reasons, kind)).increment();
    }

    private static String bounded(Set<String> seen, String value) {
        String v = value == null || value.isBlank() ? "unknown" : value;
        if (seen.contains(v)) {
            return v;
        }
        if (seen.size() >= MAX_VALUES_PER_TAG) {
            return OTHER;
        }
        seen.add(v);
        return v;
    }
}
