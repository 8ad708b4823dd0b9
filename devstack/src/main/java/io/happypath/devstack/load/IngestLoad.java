package io.happypath.devstack.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Open-model HTTP load against the collector's {@code /v1/batch}: requests start at a constant arrival rate whatever the
 * server does, and each latency is measured from the request's <em>intended</em> start, so a stalled server shows up in
 * the percentiles instead of silently lowering the load (no coordinated omission).
 */
public final class IngestLoad {

    /** What one run measured. */
    public record Result(double targetEventsPerSecond, double eventsPerSecond, long requests, long okRequests,
            Map<Integer, Long> statuses, long errors, long skipped, Histogram latency, double seconds, String firstError) {

        /** Latency at a percentile in milliseconds. */
        public double ms(double percentile) {
            return latency.getValueAtPercentile(percentile) / 1e6;
        }

        public String describe() {
            return String.format(java.util.Locale.ROOT,
                    "target %,.0f ev/s -> acknowledged %,.0f ev/s over %.0f s | requests %,d (200: %,d, other %s, errors %d,"
                            + " not sent: %d) | latency ms p50 %.1f p90 %.1f p99 %.1f p99.9 %.1f max %.1f",
                    targetEventsPerSecond, eventsPerSecond, seconds, requests, okRequests, statuses, errors, skipped, ms(50),
                    ms(90), ms(99), ms(99.9), latency.getMaxValue() / 1e6)
                    + (firstError == null ? "" : " | first error: " + firstError);
        }
    }

    private final URI batchUri;
    private final List<String> authorizations;
    private final SegmentTraffic traffic;
    private final int batchSize;
    private final int maxInFlight;
    private final HttpClient client;

    public IngestLoad(String baseUrl, List<String> writeKeys, SegmentTraffic traffic, int batchSize, int maxInFlight) {
        this.batchUri = URI.create(baseUrl.replaceAll("/$", "") + "/v1/batch");
        this.authorizations = writeKeys.stream().map(k -> "Basic "
                + Base64.getEncoder().encodeToString((k + ":").getBytes(StandardCharsets.UTF_8))).toList();
        this.traffic = traffic;
        this.batchSize = batchSize;
        this.maxInFlight = maxInFlight;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(2)).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /**
     * Sends batches at {@code eventsPerSecond} for {@code duration}; only the part after {@code warmup} is measured.
     * Bounded: stops after {@code warmup + duration} and waits at most 30 s more for answers.
     */
    public Result run(double eventsPerSecond, Duration warmup, Duration duration) throws InterruptedException {
        if (!(eventsPerSecond >= batchSize)) {
            throw new IllegalArgumentException("The rate must be at least one batch per second, was " + eventsPerSecond);
        }
        double requestsPerSecond = eventsPerSecond / batchSize;
        long intervalNanos = (long) (1e9 / requestsPerSecond);
        // Bodies prepared ahead so that generating JSON does not disturb the arrival schedule.
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            bodies.add(traffic.batch(batchSize));
        }
        Recorder recorder = new Recorder(3);
        Semaphore inFlight = new Semaphore(maxInFlight);
        Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        LongAdder errors = new LongAdder();
        LongAdder okEvents = new LongAdder();
        LongAdder requests = new LongAdder();
        AtomicLong skipped = new AtomicLong();
        AtomicLong lastAcknowledged = new AtomicLong();
        java.util.concurrent.atomic.AtomicReference<String> firstError = new java.util.concurrent.atomic.AtomicReference<>();
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long end = measureFrom + duration.toNanos();
        long i = 0;
        while (true) {
            long intended = start + i * intervalNanos;
            if (intended >= end) {
                break;
            }
            long now = System.nanoTime();
            if (intended > now) {
                LockSupport.parkNanos(intended - now);
            }
            i++;
            boolean measured = intended >= measureFrom;
            if (!inFlight.tryAcquire()) {
                // The server is too far behind: counted, and the latency it would have had is unknown.
                if (measured) {
                    skipped.incrementAndGet();
                }
                continue;
            }
            byte[] body = bodies.get((int) (i % bodies.size()));
            HttpRequest request = HttpRequest.newBuilder(batchUri).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .header("Authorization", authorizations.get((int) (i % authorizations.size())))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
                inFlight.release();
                if (!measured) {
                    return;
                }
                long done = System.nanoTime();
                requests.increment();
                if (failure != null) {
                    firstError.compareAndSet(null, failure.toString());
                    errors.increment();
                    return;
                }
                statuses.computeIfAbsent(response.statusCode(), s -> new LongAdder()).increment();
                if (response.statusCode() == 200) {
                    okEvents.add(batchSize);
                    lastAcknowledged.accumulateAndGet(done, Math::max);
                }
                recorder.recordValue(Math.max(0, done - intended));
            });
        }
        // Let the last requests finish (bounded).
        inFlight.tryAcquire(maxInFlight, 30, TimeUnit.SECONDS);
        Map<Integer, Long> byStatus = new TreeMap<>();
        statuses.forEach((k, v) -> byStatus.put(k, v.sum()));
        long ok = byStatus.getOrDefault(200, 0L);
        // Acknowledged events of the measured requests over the time it took to acknowledge them: a server that falls
        // behind answers after the window, and its rate is what it got through in that longer time.
        double seconds = Math.max(duration.toNanos(), lastAcknowledged.get() - measureFrom) / 1e9;
        return new Result(eventsPerSecond, okEvents.sum() / seconds, requests.sum(), ok, byStatus, errors.sum(),
                skipped.get(), recorder.getIntervalHistogram(), seconds, firstError.get());
    }
}
