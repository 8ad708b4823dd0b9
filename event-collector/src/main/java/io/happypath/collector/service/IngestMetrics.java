package io.happypath.collector.service;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The collector's metrics. Tags are bounded: configured sources and channels (else {@code other}), fixed reason codes.
 * <ul>
 * <li>{@code happypath.collector.events.accepted{source,channel}}: published (or already published) messages</li>
 * <li>{@code happypath.collector.events.rejected{source,reason}}: messages refused; source {@code unknown} before
 * authentication</li>
 * <li>{@code happypath.collector.events.deduplicated{source,channel}}: acknowledged without publishing again</li>
 * <li>{@code happypath.collector.publish.latency{source}}: from handing a request's messages to the producer until
 * the broker acknowledged all of them</li>
 * <li>{@code happypath.collector.request.size{kind}}: decompressed request bodies in bytes</li>
 * <li>{@code happypath.collector.requests.shed}: requests answered 503 on arrival, unread, because the replica was
 * serving its maximum of requests in progress</li>
 * </ul>
 */
@ApplicationScoped
public class IngestMetrics {

    private final MeterRegistry registry;
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();
    private final DistributionSummary singleSize;
    private final DistributionSummary batchSize;
    private final Counter shed;

    public IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.shed = registry.counter("happypath.collector.requests.shed");
        this.singleSize = size("single");
        this.batchSize = size("batch");
    }

    public void shed() {
        shed.increment();
    }

    public void accepted(String source, String channel, int n) {
        counter("happypath.collector.events.accepted", "channel", source, channel).increment(n);
    }

    public void deduplicated(String source, String channel, int n) {
        counter("happypath.collector.events.deduplicated", "channel", source, channel).increment(n);
    }

    public void rejected(String source, String reason, int n) {
        counter("happypath.collector.events.rejected", "reason", source, reason).increment(n);
    }

    public void requestSize(boolean batch, int bytes) {
        (batch ? batchSize : singleSize).record(bytes);
    }

    public Timer publishLatency(String source) {
        return timers.computeIfAbsent(source, s -> Timer.builder("happypath.collector.publish.latency")
                .description("Time until the broker acknowledged every message of a request").tag("source", s)
                .publishPercentiles(0.5, 0.99).publishPercentileHistogram().register(registry));
    }

    private Counter counter(String name, String tag, String source, String value) {
        return counters.computeIfAbsent(name + '|' + source + '|' + value,
                k -> Counter.builder(name).tag("source", source).tag(tag, value).register(registry));
    }

    private DistributionSummary size(String kind) {
        return DistributionSummary.builder("happypath.collector.request.size").baseUnit("bytes")
                .description("Decompressed request body size").tag("kind", kind).publishPercentileHistogram()
                .register(registry);
    }
}
