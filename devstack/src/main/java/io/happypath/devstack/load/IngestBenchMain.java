package io.happypath.devstack.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.happypath.devstack.demo.DemoDefinitions;

/**
 * {@code ./happypath bench ingest}: the collector's ingestion benchmark (issue 3).
 *
 * <pre>
 * java -cp devstack/target/classes:$(cat devstack/target/classpath.txt) io.happypath.devstack.load.IngestBenchMain \
 *     [--url http://127.0.0.1:8081] [--bootstrap 127.0.0.1:9092] [--rate 10000] [--max-rate 20000] [--duration 30]
 *     [--warmup 10] [--batch 20] [--event-bytes 500] [--write-keys local-web,local-app,...] [--producer-records 300000]
 * </pre>
 *
 * Phases: (1) the raw Kafka producer ceiling with the collector's settings ({@link ProducerCeiling}: Kafka's
 * kafka-producer-perf-test); (2) the collector at {@code --max-rate}, an
 * arrival rate above what it can take, whose acknowledged rate is its sustained throughput; (3) the collector at
 * {@code --rate} (the 10,000 events/s); (4) the collector at 80 % of the sustained throughput, for the latency
 * percentiles. The collector's heap in use is sampled from its /q/metrics throughout. Every phase is bounded in time and
 * sends only to the given local addresses.
 */
public final class IngestBenchMain {

    private IngestBenchMain() {
    }

    public static void main(String[] args) throws Exception {
        String url = "http://127.0.0.1:8081";
        String bootstrap = "127.0.0.1:9092";
        double rate = 10_000;
        double maxRate = 20_000;
        int duration = 30;
        int warmup = 10;
        int batch = 20;
        int eventBytes = 500;
        long producerRecords = 300_000;
        List<String> keys = List.copyOf(DemoDefinitions.WRITE_KEYS.values());
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--url" -> url = v;
                case "--bootstrap" -> bootstrap = v;
                case "--rate" -> rate = Double.parseDouble(v);
                case "--max-rate" -> maxRate = Double.parseDouble(v);
                case "--duration" -> duration = Integer.parseInt(v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--batch" -> batch = Integer.parseInt(v);
                case "--event-bytes" -> eventBytes = Integer.parseInt(v);
                case "--producer-records" -> producerRecords = Long.parseLong(v);
                case "--write-keys" -> keys = Arrays.asList(v.split(","));
                case "-h", "--help" -> {
                    System.out.println("Usage: IngestBenchMain [--url U] [--bootstrap B] [--rate EV/S] [--max-rate EV/S]"
                            + " [--duration S] [--warmup S] [--batch N] [--event-bytes N] [--write-keys K1,K2]"
                            + " [--producer-records N]");
                    return;
                }
                default -> {
                    System.err.println("Unknown argument: " + args[i]);
                    System.exit(2);
                }
            }
            i++;
        }
        SegmentTraffic traffic = new SegmentTraffic(eventBytes, 50_000);
        System.out.printf(Locale.ROOT, "batch of %d events, %d bytes per request (~%d B/event), write keys %s%n", batch,
                traffic.batch(batch).length, traffic.batch(batch).length / batch, keys);

        System.out.println("== raw Kafka producer ceiling: kafka-producer-perf-test (acks=all, idempotent, gzip 1,"
                + " linger 5 ms, the same messages)");
        ProducerCeiling.Result ceiling = ProducerCeiling.run(bootstrap, "hp.bench.producer", traffic, producerRecords);
        System.out.println("   " + ceiling.describe());

        HeapSampler heap = new HeapSampler(url);
        heap.start();
        IngestLoad load = new IngestLoad(url, keys, traffic, batch, 2_000);
        System.out.printf(Locale.ROOT, "== collector saturation: arrival rate %,.0f ev/s%n", maxRate);
        IngestLoad.Result saturation = load.run(maxRate, Duration.ofSeconds(warmup), Duration.ofSeconds(duration));
        System.out.println("   " + saturation.describe());
        System.out.printf(Locale.ROOT, "== collector at %,.0f ev/s%n", rate);
        IngestLoad.Result target = load.run(rate, Duration.ofSeconds(warmup), Duration.ofSeconds(duration));
        System.out.println("   " + target.describe());
        double eighty = 0.8 * saturation.eventsPerSecond();
        System.out.printf(Locale.ROOT, "== collector at 80%% of its sustained throughput: %,.0f ev/s%n", eighty);
        if (eighty < batch) {
            heap.stop();
            System.out.println("   skipped: the collector acknowledged less than one batch per second in the saturation"
                    + " run; use a longer --duration or a lower --max-rate");
            System.exit(1);
        }
        IngestLoad.Result at80 = load.run(eighty, Duration.ofSeconds(warmup), Duration.ofSeconds(duration));
        System.out.println("   " + at80.describe());
        heap.stop();

        System.out.println("== summary");
        System.out.printf(Locale.ROOT, "   sustained collector throughput: %,.0f events/s (%.0f%% of the raw producer's %,.0f"
                + " records/s)%n", saturation.eventsPerSecond(),
                100 * saturation.eventsPerSecond()
                        / ceiling.recordsPerSecond(),
                ceiling.recordsPerSecond());
        System.out.printf(Locale.ROOT, "   at %,.0f ev/s: p50 %.1f ms, p99 %.1f ms, acknowledged %,.0f ev/s%n", rate,
                target.ms(50),
                target.ms(99), target.eventsPerSecond());
        System.out.printf(Locale.ROOT, "   at 80%% (%,.0f ev/s): p50 %.1f ms, p99 %.1f ms%n", eighty, at80.ms(50), at80.ms(99));
        System.out.printf(Locale.ROOT, "   collector heap in use: max %.0f MB (sampled every second from /q/metrics)%n",
                heap.maxBytes() / 1e6);
        System.exit(0);
    }

    /** Samples the collector's heap in use ({@code jvm_memory_used_bytes{area="heap"}}) once a second. */
    static final class HeapSampler {

        private final HttpClient client = HttpClient.newHttpClient();
        private final URI metrics;
        private final AtomicLong max = new AtomicLong();
        private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "heap-sampler");
            thread.setDaemon(true);
            return thread;
        });

        HeapSampler(String url) {
            this.metrics = URI.create(url.replaceAll("/$", "") + "/q/metrics");
        }

        void start() {
            scheduler.scheduleAtFixedRate(this::sample, 0, 1, TimeUnit.SECONDS);
        }

        void stop() throws InterruptedException {
            scheduler.shutdownNow();
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        }

        long maxBytes() {
            return max.get();
        }

        private void sample() {
            try {
                String body = client.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                long used = body.lines().filter(l -> l.startsWith("jvm_memory_used_bytes{area=\"heap\""))
                        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
                max.accumulateAndGet(used, Math::max);
            } catch (IOException e) {
                // A missed sample is fine.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
