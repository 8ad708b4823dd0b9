package io.happypath.platform.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.happypath.contracts.CloudEvents;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts the CloudEvents a service consumed, per topic and type, as {@code happypath.<service>.events.consumed}:
 * the first thing to look at when a stage of the pipeline seems to stand still.
 */
@ApplicationScoped
public class ConsumedEvents {

    private static final String HAPPYPATH_TYPE_PREFIX = "io.happypath.";

    private final MeterRegistry registry;
    private final String metricName;

    public ConsumedEvents(MeterRegistry registry, @ConfigProperty(name = "happypath.metrics.service") String service) {
        this.registry = registry;
        this.metricName = "happypath." + service + ".events.consumed";
    }

    public void record(String topic, Message<?> message) {
        // Only our own CloudEvent types become tag values, so a stray producer cannot explode the series count.
        String type = CloudEvents.type(message).filter(t -> t.startsWith(HAPPYPATH_TYPE_PREFIX)).orElse("other");
        registry.counter(metricName, "topic", topic, "type", type).increment();
    }
}
