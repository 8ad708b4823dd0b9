package io.happypath.journey.bench;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.happypath.contracts.CloudEventTypes;
import io.happypath.contracts.Topics;
import io.happypath.devstack.JwtTestResource;
import io.happypath.devstack.KafkaBrokerResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;

/**
 * Events applied per second from {@code hp.events.v1} with 100,000 live profiles and 3 journeys, and the apply latency
 * at a constant rate (issue 5). A benchmark, not a test: surefire does not pick it up by name, and nothing is asserted
 * on time. Run (one command, about 3-5 minutes):
 *
 * <pre>
 * ./mvnw -B -pl journey-state-service test -Dtest=ApplyThroughputBench -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * Options (system properties): {@code bench.profiles} (100000), {@code bench.warmup} (60000 events, not measured),
 * {@code bench.events} (200000, the throughput run), {@code bench.rate} (5000 events/s, the latency run),
 * {@code bench.seconds} (30, of which the first 5 warm up).
 *
 * <p>
 * Everything runs on this machine: the in-JVM Kafka broker, this service, the producer, and the local Redis and
 * PostgreSQL. The service uses its own Redis prefix ({@code hp:jsbench:}) and database schema ({@code journey_bench}),
 * cleared before the run. Phases:
 * <ol>
 * <li>seed: one event for each of the profiles, as fast as the producer goes; then {@code bench.warmup} events of the
 * mix below, not measured (the JIT compiles the event path);</li>
 * <li>throughput: {@code bench.events} events for random existing profiles (a mix over the three journeys, signals
 * and emotions), as fast as the producer goes; the figure is events applied / time from the first send to the last
 * event stored, and the rate once the producer is done (the service alone draining the backlog);</li>
 * <li>latency: {@code bench.rate} events/s paced every millisecond; the percentiles come from the service's
 * {@code apply.latency} (batch received → state stored) and {@code apply.delay} (record timestamp → state stored)
 * histograms, 1 ms buckets, counted over the measured window only.</li>
 * </ol>
 * The figures and the load average ({@code /proc/loadavg}) are printed and written to
 * {@code target/bench/journey-apply.txt}.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(JwtTestResource.class)
@TestProfile(ApplyThroughputBench.Bench.class)
class ApplyThroughputBench {

    static final String PREFIX = "hp:jsbench:";

    /** Own Redis prefix and database schema; 1 ms latency buckets up to 100 ms. */
    public static class Bench implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            String buckets = IntStream.rangeClosed(1, 100).mapToObj(ms -> "PT" + (ms / 1000.0) + "S")
                    .collect(Collectors.joining(",")) + ",PT0.2S,PT0.5S,PT1S,PT2S,PT5S,PT10S,PT30S";
            return Map.of("happypath.journey.redis-prefix", PREFIX,
                    "quarkus.hibernate-orm.database.default-schema", "journey_bench",
                    "quarkus.flyway.schemas", "journey_bench",
                    "quarkus.flyway.default-schema", "journey_bench",
                    "happypath.journey.latency-buckets", buckets);
        }
    }

    static final String CARE_JOURNEY = """
            {"name": "Support care",
             "stages": [
               {"id": "contacted", "enterOn": {"event": "Support Ticket Opened"}, "expectNextWithin": "PT24H"},
               {"id": "diagnosed", "enterOn": {"event": "Diagnosis Completed", "when": "has(event.properties.cause)"}},
               {"id": "resolved", "enterOn": {"event": "Support Ticket Resolved"}}],
             "happyPath": ["contacted", "diagnosed", "resolved"],
             "exitOn": [{"event": "Account Deleted"}],
             "signals": [
               {"id": "unhappy", "setOn": {"when": "has(event.properties.sentiment) && event.properties.sentiment == 'negative'"},
                "clearOn": {"when": "has(event.properties.sentiment) && event.properties.sentiment == 'positive'"}}]}
            """;

    /** Event names with weights: page views, e-commerce, phone onboarding, support, surveys, failures. */
    static final String[] NAMES = {"Product Viewed", "Product Viewed", "Products Searched", "Product Added",
            "Checkout Started", "Order Completed", "Activation Started", "Activation Completed", "Activation Failed",
            "Support Ticket Opened", "Diagnosis Completed", "Support Ticket Resolved", "Survey Answered",
            "Product Used", "Review Submitted", "Consent Withdrawn", "Consent Given"};
    static final String[] CHANNELS = {"web", "app", "store", "callcenter", "email"};

    @Inject
    MeterRegistry metrics;

    @Inject
    ReactiveRedisDataSource redis;

    final List<String> report = new ArrayList<>();

    static RequestSpecification admin() {
        return given().auth().oauth2(JwtTestResource.token("admin")).contentType("application/json");
    }

    @Test
    void applyThroughputAndLatency() throws Exception {
        int profiles = Integer.getInteger("bench.profiles", 100_000);
        int events = Integer.getInteger("bench.events", 200_000);
        int rate = Integer.getInteger("bench.rate", 5_000);
        int seconds = Integer.getInteger("bench.seconds", 30);
        int warmupEvents = Integer.getInteger("bench.warmup", 60_000);
        String run = UUID.randomUUID().toString().substring(0, 8);
        clearRedis();
        admin().body(CARE_JOURNEY).put("/v1/journeys/care").then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
        admin().body("{\"name\": \"VIP\", \"when\": \"has(profile.traits.tier) && profile.traits.tier == 'gold'\"}")
                .put("/v1/segments/vip").then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
        admin().body("{\"name\": \"At risk\", \"when\": \"state.emotion.frustration > 0.5 && "
                + "has(state.signals.openServiceIssue)\"}").put("/v1/segments/at-risk").then()
                .statusCode(org.hamcrest.Matchers.oneOf(200, 201));
        List<?> journeys = admin().get("/v1/journeys").then().statusCode(200).extract().jsonPath().getList("id");
        note("journeys defined: %s; segments: vip, at-risk; load average at start: %s", journeys, load());

        try (KafkaProducer<String, String> producer = producer()) {
            // 1. Seed: one event per profile.
            long seeded = applied();
            long start = System.nanoTime();
            for (int i = 0; i < profiles; i++) {
                send(producer, profileId(run, i), seedEvent(run, i));
            }
            producer.flush();
            awaitApplied(seeded + profiles, Duration.ofMinutes(10));
            double seedSeconds = (System.nanoTime() - start) / 1e9;
            long live = given().auth().oauth2(JwtTestResource.token("analyst")).get("/v1/journeys/lifecycle/live").then()
                    .statusCode(200).extract().jsonPath().getLong("active");
            note("seed: %,d profiles created in %.1f s = %,.0f events/s (lifecycle active profiles: %,d); load %s",
                    profiles, seedSeconds, profiles / seedSeconds, live, load());
            assertThat(live).isGreaterThanOrEqualTo(profiles);

            // Warm-up (not measured): the JIT compiles the event path's mix before the figures are taken.
            SplittableRandom random = new SplittableRandom(42);
            long warmedFrom = applied();
            for (int i = 0; i < warmupEvents; i++) {
                int p = random.nextInt(profiles);
                send(producer, profileId(run, p), event(run, p, random));
            }
            producer.flush();
            awaitApplied(warmedFrom + warmupEvents, Duration.ofMinutes(10));

            // 2. Throughput: a backlog of events for random existing profiles.
            long before = applied();
            Cpu cpuFrom = Cpu.now(redisCpuMillis());
            start = System.nanoTime();
            for (int i = 0; i < events; i++) {
                int p = random.nextInt(profiles);
                send(producer, profileId(run, p), event(run, p, random));
            }
            producer.flush();
            long producedNanos = System.nanoTime();
            long appliedWhenProduced = applied() - before;
            awaitApplied(before + events, Duration.ofMinutes(15));
            long end = System.nanoTime();
            Cpu cpu = Cpu.now(redisCpuMillis()).minus(cpuFrom);
            double total = (end - start) / 1e9;
            double drain = (end - producedNanos) / 1e9;
            note("throughput: %,d events in %.1f s = %,.0f events/s applied (producer done after %.1f s with %,d applied; "
                    + "then the service alone: %,.0f events/s); load %s", events, total, events / total,
                    (producedNanos - start) / 1e9, appliedWhenProduced,
                    drain > 0.5 ? (events - appliedWhenProduced) / drain : Double.NaN, load());
            note("CPU per 1,000 events in that run (ms; less sensitive to other builds than the rates): %s", cpu.per(events));
            double serviceMs = cpu.serviceMillis() * 1000.0 / events;
            double allMs = cpu.totalMillis() * 1000.0 / events;
            note("capacity on 2 idle cores from that CPU: %,.0f events/s when service, broker, producer and Redis share "
                    + "them; %,.0f events/s for the service's own threads alone on 2 cores", 2_000_000 / allMs,
                    2_000_000 / serviceMs);

            // 3. Latency at a constant rate.
            int warmup = Math.min(5, seconds / 3);
            long sent = 0;
            long t0 = System.nanoTime();
            Snapshot latencyFrom = null;
            Snapshot delayFrom = null;
            long appliedFrom = 0;
            long windowStart = 0;
            for (int ms = 1; ms <= seconds * 1000; ms++) {
                long due = (long) ms * rate / 1000;
                while (sent < due) {
                    int p = random.nextInt(profiles);
                    send(producer, profileId(run, p), event(run, p, random));
                    sent++;
                }
                if (ms == warmup * 1000) {
                    latencyFrom = snapshot("happypath.journey.apply.latency");
                    delayFrom = snapshot("happypath.journey.apply.delay");
                    appliedFrom = applied();
                    windowStart = System.nanoTime();
                }
                LockSupport.parkNanos(Math.max(0, t0 + ms * 1_000_000L - System.nanoTime()));
            }
            producer.flush();
            double achieved = sent / ((System.nanoTime() - t0) / 1e9);
            awaitApplied(before + events + sent, Duration.ofMinutes(10));
            double window = (System.nanoTime() - windowStart) / 1e9;
            Snapshot latency = snapshot("happypath.journey.apply.latency").minus(latencyFrom);
            Snapshot delay = snapshot("happypath.journey.apply.delay").minus(delayFrom);
            note("latency at %,d events/s offered (%,.0f sent/s achieved), %d s measured after %d s warm-up, %,d events: "
                    + "apply latency (batch received -> stored) p50 %s, p99 %s, max bucket %s; delay (record timestamp -> "
                    + "stored) p50 %s, p99 %s; applied %,.0f events/s; load %s", rate, achieved, seconds - warmup, warmup,
                    latency.count(), latency.percentile(0.5), latency.percentile(0.99), latency.percentile(1.0),
                    delay.percentile(0.5), delay.percentile(0.99), (applied() - appliedFrom) / window, load());
        }
        write();
        clearRedis();
    }

    /** CPU time (ms) by component: this JVM's threads grouped by name, the rest of the JVM (GC, JIT), Redis. */
    record Cpu(Map<String, Double> millis) {

        static Cpu now(double redisMillis) {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            Map<String, Double> m = new java.util.TreeMap<>();
            double threadTotal = 0;
            for (long id : threads.getAllThreadIds()) {
                ThreadInfo info = threads.getThreadInfo(id);
                long nanos = threads.getThreadCpuTime(id);
                if (info == null || nanos < 0) {
                    continue;
                }
                m.merge(group(info.getThreadName()), nanos / 1e6, Double::sum);
                threadTotal += nanos / 1e6;
            }
            double process = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime() / 1e6;
            m.put("jvm-other (GC, JIT, exited threads)", process - threadTotal);
            m.put("redis (whole server, shared)", redisMillis);
            return new Cpu(m);
        }

        static String group(String thread) {
            if (thread.startsWith("vert.x-eventloop") || thread.startsWith("executor-thread")
                    || thread.startsWith("vert.x-worker")) {
                return "service";
            }
            if (thread.startsWith("smallrye-kafka") || thread.contains("kafka-producer-journey-out")
                    || thread.contains("kafka-producer-events-dlq") || thread.contains("kafka-consumer-")) {
                return "service-kafka-clients";
            }
            if (thread.equals("main") || thread.contains("| producer-")) {
                return "bench-producer";
            }
            return "broker-and-other";
        }

        Cpu minus(Cpu earlier) {
            Map<String, Double> m = new java.util.TreeMap<>(millis);
            earlier.millis.forEach((k, v) -> m.merge(k, -v, Double::sum));
            return new Cpu(m);
        }

        double serviceMillis() {
            return millis.getOrDefault("service", 0.0) + millis.getOrDefault("service-kafka-clients", 0.0);
        }

        double totalMillis() {
            return millis.values().stream().mapToDouble(Double::doubleValue).sum();
        }

        String per(int events) {
            StringBuilder sb = new StringBuilder();
            millis.forEach((k, v) -> sb.append(k).append(' ').append(String.format(Locale.ROOT, "%.0f", v * 1000 / events))
                    .append("; "));
            return sb.append("total ").append(String.format(Locale.ROOT, "%.0f", totalMillis() * 1000 / events)).toString();
        }
    }

    double redisCpuMillis() {
        String info = redis.execute("INFO", "cpu").await().indefinitely().toString();
        double seconds = 0;
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
                seconds += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return seconds * 1000;
    }

    long applied() {
        var counter = metrics.find("happypath.journey.events.applied").counter();
        return counter == null ? 0 : (long) counter.count(); // registered when the service handles its first event
    }

    void awaitApplied(long target, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (applied() < target) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + applied() + " of " + target + " events applied within " + timeout);
            }
            Thread.sleep(20);
        }
    }

    static String profileId(String run, int i) {
        return "bench-" + run + "-" + i;
    }

    static String seedEvent(String run, int i) {
        String traits = i % 10 == 0 ? "\"tier\": \"gold\"" : "\"tier\": \"basic\"";
        return """
                {"type": "page", "name": "Home", "messageId": "%s", "profileId": "%s", "timestamp": "%s",
                 "context": {"channel": "web", "traits": {%s}}, "properties": {"path": "/"}}
                """.formatted(UUID.randomUUID(), profileId(run, i), now(), traits);
    }

    static String event(String run, int p, SplittableRandom random) {
        String name = NAMES[random.nextInt(NAMES.length)];
        String channel = CHANNELS[random.nextInt(CHANNELS.length)];
        String properties = switch (name) {
            case "Order Completed" -> "{\"category\": \"" + (random.nextBoolean() ? "phone" : "accessory") + "\", "
                    + "\"revenue\": 199.0}";
            case "Support Ticket Opened" -> "{\"sentiment\": \"negative\", \"topic\": \"activation\"}";
            case "Support Ticket Resolved" -> "{\"sentiment\": \"positive\"}";
            case "Survey Answered" -> "{\"nps\": " + random.nextInt(11) + "}";
            case "Diagnosis Completed" -> "{\"cause\": \"sim\"}";
            default -> "{\"sku\": \"sku-" + random.nextInt(1000) + "\"}";
        };
        return """
                {"type": "track", "event": "%s", "messageId": "%s", "profileId": "%s", "timestamp": "%s",
                 "context": {"channel": "%s"}, "properties": %s}
                """.formatted(name, UUID.randomUUID(), profileId(run, p), now(), channel, properties);
    }

    /** Now to the millisecond, as Segment clients send timestamps. */
    static Instant now() {
        return Instant.ofEpochMilli(System.currentTimeMillis());
    }

    static void send(KafkaProducer<String, String> producer, String key, String json) {
        ProducerRecord<String, String> r = new ProducerRecord<>(Topics.EVENTS, key, json);
        r.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        r.headers().add("ce_id", UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        r.headers().add("ce_type", (json.contains("\"type\": \"page\"") ? CloudEventTypes.PAGE : CloudEventTypes.TRACK)
                .getBytes(StandardCharsets.UTF_8));
        r.headers().add("ce_source", "/bench".getBytes(StandardCharsets.UTF_8));
        r.headers().add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
        producer.send(r);
    }

    static KafkaProducer<String, String> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBrokerResource.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "2");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, "65536");
        props.put(ProducerConfig.ACKS_CONFIG, "1");
        return new KafkaProducer<>(props);
    }

    /** Cumulative counts at the histogram's bucket bounds (ms). */
    record Snapshot(double[] boundsMillis, double[] counts, long count) {

        Snapshot minus(Snapshot earlier) {
            double[] c = counts.clone();
            for (int i = 0; i < c.length; i++) {
                c[i] -= earlier.counts[i];
            }
            return new Snapshot(boundsMillis, c, count - earlier.count);
        }

        /** The bound of the first bucket holding the quantile: "≤ X ms" (or "> last bound"). */
        String percentile(double q) {
            double wanted = Math.ceil(q * count);
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] >= wanted) {
                    return Double.isInfinite(boundsMillis[i])
                            ? String.format(Locale.ROOT, "> %.0f ms", boundsMillis[Math.max(0, i - 1)])
                            : String.format(Locale.ROOT, "<= %.0f ms", boundsMillis[i]);
                }
            }
            return String.format(Locale.ROOT, "> %.0f ms", boundsMillis[boundsMillis.length - 1]);
        }
    }

    /** The histogram as Prometheus exports it (cumulative, monotonic {@code _bucket} counters). */
    Snapshot snapshot(String name) {
        String series = name.replace('.', '_') + "_seconds";
        String scrape = given().get("/q/metrics").then().statusCode(200).extract().asString();
        List<double[]> buckets = new ArrayList<>();
        long count = 0;
        for (String line : scrape.lines().toList()) {
            if (line.startsWith(series + "_bucket{")) {
                int le = line.indexOf("le=\"") + 4;
                String bound = line.substring(le, line.indexOf('"', le));
                double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                buckets.add(new double[]{"+Inf".equals(bound) ? Double.POSITIVE_INFINITY : Double.parseDouble(bound) * 1000,
                        value});
            } else if (line.startsWith(series + "_count")) {
                count = (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        buckets.sort(java.util.Comparator.comparingDouble(b -> b[0]));
        assertThat(buckets).as("histogram buckets of " + series).isNotEmpty();
        double[] bounds = new double[buckets.size()];
        double[] counts = new double[buckets.size()];
        for (int i = 0; i < buckets.size(); i++) {
            bounds[i] = buckets.get(i)[0];
            counts[i] = buckets.get(i)[1];
        }
        return new Snapshot(bounds, counts, count);
    }

    void clearRedis() {
        String cursor = "0";
        do {
            var r = redis.execute("SCAN", cursor, "MATCH", PREFIX + "*", "COUNT", "2000").await().indefinitely();
            cursor = r.get(0).toString();
            List<String> keys = new ArrayList<>();
            r.get(1).forEach(k -> keys.add(k.toString()));
            if (!keys.isEmpty()) {
                redis.execute("UNLINK", keys.toArray(String[]::new)).await().indefinitely();
            }
        } while (!"0".equals(cursor));
    }

    static String load() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "?";
        }
    }

    void note(String format, Object... args) {
        String line = String.format(Locale.ROOT, format, args);
        report.add(line);
        System.out.println("BENCH journey " + line);
    }

    void write() throws IOException {
        Path out = Path.of("target", "bench", "journey-apply.txt");
        Files.createDirectories(out.getParent());
        Files.write(out, report);
    }
}
