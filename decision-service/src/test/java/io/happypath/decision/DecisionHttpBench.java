package io.happypath.decision;

import static io.happypath.decision.TestApi.admin;
import static io.happypath.decision.TestApi.stubProfile;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import jakarta.inject.Inject;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.happypath.decision.bench.BenchCatalogue;
import io.happypath.decision.cache.ContactHistory;
import io.happypath.decision.cache.DecisionRecords;
import io.happypath.decision.cache.ModelCounts;
import io.happypath.decision.domain.Action;
import io.happypath.decision.domain.AdaptiveModel;
import io.happypath.decision.domain.ContactPolicy;
import io.happypath.decision.domain.DecisionInputs;
import io.happypath.decision.domain.Predictors;
import io.happypath.devstack.JwtTestResource;
import io.happypath.devstack.KafkaBrokerResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * HTTP load on {@code POST /v1/decisions} (a benchmark, not a test: surefire does not pick it up by name) with 200
 * actions in the catalogue (three CEL rules each), three contact policies, trained adaptive models, and the upstream
 * services stood in by {@link UpstreamStub}; real PostgreSQL, Redis and the in-JVM broker. The service, the broker,
 * the stub and the load generator share this JVM and the machine's cores, so the figures are a lower bound.
 * <ol>
 * <li>warm-up, closed loop;</li>
 * <li>saturation: a closed loop of {@code bench.concurrency} requests in flight → the throughput ceiling;</li>
 * <li>latency: an open-model constant arrival rate ({@code bench.rate}, default 80 % of the ceiling), each latency
 * measured from the request's intended start (no coordinated omission); the server-side latency from the service's
 * own {@code happypath.decision.latency} histogram over the same interval.</li>
 * </ol>
 * Run: {@code ./mvnw -B -q -pl decision-service test -Dtest=DecisionHttpBench -Dsurefire.failIfNoSpecifiedTests=false}
 * (options {@code -Dbench.actions=200 -Dbench.warmup=60 -Dbench.seconds=15 -Dbench.concurrency=32
 * -Dbench.rate=...}).
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(JwtTestResource.class)
@WithTestResource(UpstreamStub.class)
class DecisionHttpBench {

    private static final int CUSTOMERS = 500;

    @TestHTTPResource("/")
    URL base;

    @Inject
    ModelCounts models;

    @Inject
    ContactHistory contacts;

    @Inject
    DecisionRecords records;

    @Inject
    ReactiveRedisDataSource redis;

    @Inject
    MeterRegistry meters;

    @Inject
    ObjectMapper json;

    @Test
    void decisionsOverHttp() throws Exception {
        int n = Integer.getInteger("bench.actions", 200);
        Duration seconds = Duration.ofSeconds(Integer.getInteger("bench.seconds", 15));
        int concurrency = Integer.getInteger("bench.concurrency", 32);
        String run = Long.toString(System.nanoTime(), 36);
        String placement = "bench-" + run;
        List<Action> actions = BenchCatalogue.actions(n, placement, "bench-" + run + "-");
        List<ContactPolicy> policies = BenchCatalogue.policies("bench-" + run + "-");
        for (Action a : actions) {
            admin().body(json.writeValueAsString(a)).put("/v1/actions/" + a.id()).then().statusCode(201);
        }
        for (ContactPolicy p : policies) {
            admin().body(json.writeValueAsString(p)).put("/v1/policies/" + p.id()).then().statusCode(201);
        }
        try {
            for (int i = 0; i < CUSTOMERS; i++) {
                stubProfile(profileId(run, i), Map.of("profile", BenchCatalogue.profile(i), "state",
                        BenchCatalogue.state(i)));
            }
            train(actions, run, placement);
            List<byte[]> bodies = new ArrayList<>();
            for (int i = 0; i < CUSTOMERS; i++) {
                bodies.add(json.writeValueAsBytes(Map.of("profileId", profileId(run, i), "channel", "web",
                        "placement", placement, "limit", 3)));
            }
            Vertx vertx = Vertx.vertx();
            try {
                Load load = new Load(vertx, base, bodies, JwtTestResource.token("decision-client"), concurrency);
                System.out.printf(Locale.ROOT, "BENCH decision http: %d actions, %d policies, %d customers, windows of"
                        + " %d s, %d in flight for the ceiling; load average %s%n", n, policies.size(), CUSTOMERS,
                        seconds.toSeconds(), concurrency, loadAverage());
                System.out.println("  warm-up:    " + load.closedLoop(Duration.ofSeconds(Integer.getInteger(
                        "bench.warmup", 60))).describe());
                Result ceiling = load.closedLoop(seconds);
                System.out.println("  saturation: " + ceiling.describe());
                double rate = Optional.ofNullable(System.getProperty("bench.rate")).map(Double::parseDouble)
                        .orElse(Math.max(1, Math.floor(ceiling.perSecond() * 0.8)));
                Histogram before = serverSide();
                long cpuBefore = processCpuNanos();
                Result paced = load.openModel(rate, seconds);
                double cpuPerDecision = (processCpuNanos() - cpuBefore) / 1e6 / Math.max(1, paced.ok());
                Histogram server = minus(serverSide(), before);
                System.out.println("  paced:      " + paced.describe());
                System.out.printf(Locale.ROOT, "  server-side over the paced run (bucket upper bounds): p50 <= %.2f ms,"
                        + " p90 <= %.2f ms, p99 <= %.2f ms, %d decisions; load average %s%n",
                        server.getValueAtPercentile(50) / 1e6, server.getValueAtPercentile(90) / 1e6,
                        server.getValueAtPercentile(99) / 1e6, server.getTotalCount(), loadAverage());
                // CPU time does not grow when other processes take the cores: the cost, whatever the contention.
                System.out.printf(Locale.ROOT, "  JVM CPU time per decision over the paced run: %.2f ms (service, broker,"
                        + " upstream stub and load generator together; %d cores)%n", cpuPerDecision,
                        Runtime.getRuntime().availableProcessors());
                assertThat(ceiling.ok()).isPositive();
                assertThat(paced.ok()).isPositive();
            } finally {
                vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        } finally {
            for (Action a : actions) {
                admin().delete("/v1/actions/" + a.id());
                redis.key().del("hp:decision:model:web:" + a.id()).await().atMost(Duration.ofSeconds(10));
                redis.set(String.class).srem("hp:decision:models:web", a.id()).await().atMost(Duration.ofSeconds(10));
            }
            for (ContactPolicy p : policies) {
                admin().delete("/v1/policies/" + p.id());
            }
            // The customers' contact history and decision records go the way an erasure takes them.
            for (int i = 0; i < CUSTOMERS; i++) {
                contacts.erase(profileId(run, i)).await().atMost(Duration.ofSeconds(10));
                records.erase(profileId(run, i)).await().atMost(Duration.ofSeconds(10));
            }
        }
    }

    private static String profileId(String run, int i) {
        return "bench-" + run + "-c" + i;
    }

    /** 100 simulated responses per action, written as the service learns them (the classifier counts included). */
    private void train(List<Action> actions, String run, String placement) {
        SplittableRandom random = new SplittableRandom(3);
        Predictors.Settings settings = Predictors.Settings.defaults();
        List<Uni<Void>> writes = new ArrayList<>();
        for (int a = 0; a < actions.size(); a++) {
            for (int r = 0; r < 100; r++) {
                int c = random.nextInt(CUSTOMERS);
                Map<String, Object> profile = new java.util.HashMap<>(BenchCatalogue.profile(c));
                profile.put("known", true);
                DecisionInputs in = new DecisionInputs("web", placement, profile, BenchCatalogue.state(c), Map.of(),
                        Map.of(), java.time.Instant.now());
                AdaptiveModel.Update u = AdaptiveModel.EMPTY.update(Predictors.of(in, settings));
                writes.add(models.record("web", actions.get(a).id(), BenchCatalogue.responds(c, a, random), u));
                if (writes.size() == 16) {
                    Uni.join().all(writes).andFailFast().await().atMost(Duration.ofSeconds(60));
                    writes.clear();
                }
            }
        }
        if (!writes.isEmpty()) {
            Uni.join().all(writes).andFailFast().await().atMost(Duration.ofSeconds(60));
        }
    }

    /** The service's own latency histogram so far (cumulative), in nanoseconds at bucket upper bounds. */
    private Histogram serverSide() {
        Timer timer = meters.find("happypath.decision.latency").tag("channel", "web").timer();
        Histogram h = new Histogram(3);
        if (timer == null) {
            return h;
        }
        double previous = 0;
        for (CountAtBucket b : timer.takeSnapshot().histogramCounts()) {
            long count = Math.round(b.count() - previous);
            if (count > 0) {
                h.recordValueWithCount((long) b.bucket(TimeUnit.NANOSECONDS), count);
            }
            previous = b.count();
        }
        return h;
    }

    private static Histogram minus(Histogram after, Histogram before) {
        Histogram h = after.copy();
        h.subtract(before);
        return h;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).strip();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    /** What one load window measured. */
    record Result(String kind, double seconds, long ok, Map<Integer, Long> statuses, long errors, long skipped,
            Histogram latency) {

        double perSecond() {
            return ok / seconds;
        }

        String describe() {
            return String.format(Locale.ROOT, "%s: %,.0f decisions/s (200: %,d, other %s, errors %d, not sent %d)"
                    + " | client latency ms p50 %.2f p90 %.2f p99 %.2f p99.9 %.2f max %.2f", kind, perSecond(), ok,
                    statuses, errors, skipped, latency.getValueAtPercentile(50) / 1e6,
                    latency.getValueAtPercentile(90) / 1e6, latency.getValueAtPercentile(99) / 1e6,
                    latency.getValueAtPercentile(99.9) / 1e6, latency.getMaxValue() / 1e6);
        }
    }

    /** POST /v1/decisions over a pool of keep-alive connections (Vert.x HTTP/1.1 client). */
    static final class Load {

        private final HttpClient client;
        private final List<Buffer> bodies;
        private final String authorization;
        private final RequestOptions options;
        private final int concurrency;

        Load(Vertx vertx, URL base, List<byte[]> bodies, String token, int concurrency) {
            this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                    new PoolOptions().setHttp1MaxSize(concurrency * 2));
            this.bodies = bodies.stream().map(Buffer::buffer).toList();
            this.authorization = "Bearer " + token;
            this.options = new RequestOptions().setMethod(HttpMethod.POST).setHost(base.getHost())
                    .setPort(base.getPort()).setURI("/v1/decisions");
            this.concurrency = concurrency;
        }

        /** Sends one request; {@code done} gets the status, or -1 for a failure. */
        private void send(int i, java.util.function.IntConsumer done) {
            client.request(options).compose(req -> req.putHeader("Authorization", authorization)
                    .putHeader("Content-Type", "application/json").send(bodies.get(i % bodies.size()))
                    .compose(resp -> resp.body().map(b -> resp.statusCode())))
                    .onComplete(ar -> done.accept(ar.succeeded() ? ar.result() : -1));
        }

        /** {@code concurrency} requests in flight for {@code duration}: the throughput ceiling. */
        Result closedLoop(Duration duration) throws InterruptedException {
            Recorder recorder = new Recorder(3);
            Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
            LongAdder errors = new LongAdder();
            long end = System.nanoTime() + duration.toNanos();
            CountDownLatch finished = new CountDownLatch(concurrency);
            LongAdder sent = new LongAdder();
            for (int w = 0; w < concurrency; w++) {
                loop(w, end, recorder, statuses, errors, sent, finished);
            }
            finished.await(duration.toSeconds() + 60, TimeUnit.SECONDS);
            return result("closed loop", duration, statuses, errors, 0, recorder);
        }

        private void loop(int w, long end, Recorder recorder, Map<Integer, LongAdder> statuses, LongAdder errors,
                LongAdder sent, CountDownLatch finished) {
            long start = System.nanoTime();
            if (start >= end) {
                finished.countDown();
                return;
            }
            sent.increment();
            send((int) (sent.sum() + w), status -> {
                long done = System.nanoTime();
                if (done <= end) {
                    record(status, done - start, recorder, statuses, errors);
                }
                loop(w, end, recorder, statuses, errors, sent, finished);
            });
        }

        /** Requests started at a constant rate whatever the server does; latency from each intended start. */
        Result openModel(double perSecond, Duration duration) throws InterruptedException {
            Recorder recorder = new Recorder(3);
            Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
            LongAdder errors = new LongAdder();
            Semaphore inFlight = new Semaphore(concurrency * 8);
            long interval = (long) (1e9 / perSecond);
            long start = System.nanoTime();
            long end = start + duration.toNanos();
            long skipped = 0;
            for (long i = 0;; i++) {
                long intended = start + i * interval;
                if (intended >= end) {
                    break;
                }
                long now = System.nanoTime();
                if (intended > now) {
                    LockSupport.parkNanos(intended - now);
                }
                if (!inFlight.tryAcquire()) {
                    skipped++;
                    continue;
                }
                send((int) i, status -> {
                    inFlight.release();
                    record(status, System.nanoTime() - intended, recorder, statuses, errors);
                });
            }
            inFlight.tryAcquire(concurrency * 8, 60, TimeUnit.SECONDS);
            inFlight.release(concurrency * 8);
            return result(String.format(Locale.ROOT, "open model at %,.0f/s", perSecond), duration, statuses, errors,
                    skipped, recorder);
        }

        private static void record(int status, long nanos, Recorder recorder, Map<Integer, LongAdder> statuses,
                LongAdder errors) {
            if (status < 0) {
                errors.increment();
                return;
            }
            statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
            recorder.recordValue(nanos);
        }

        private static Result result(String kind, Duration duration, Map<Integer, LongAdder> statuses,
                LongAdder errors, long skipped, Recorder recorder) {
            Map<Integer, Long> byStatus = new java.util.TreeMap<>();
            statuses.forEach((k, v) -> byStatus.put(k, v.sum()));
            long ok = byStatus.getOrDefault(200, 0L);
            byStatus.remove(200);
            return new Result(kind, duration.toNanos() / 1e9, ok, byStatus, errors.sum(), skipped,
                    recorder.getIntervalHistogram());
        }
    }
}
