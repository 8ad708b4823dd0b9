package io.happypath.devstack.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.HdrHistogram.Histogram;

import io.happypath.devstack.JwtKeys;
import io.happypath.devstack.Tokens;
import io.happypath.devstack.demo.DemoDefinitions;

/**
 * {@code ./happypath bench e2e}: how long an event takes from the collector's {@code 200} until the live state shows it
 * (issue 9), while background traffic runs at {@code --rate} events/s (half of the measured ingestion capacity), and
 * the resident memory of the whole stack.
 * <p>
 * Probes: {@code --probes} known customers (their profiles and states exist before measuring). Every
 * {@code --probe-interval-ms} one of them sends a uniquely named track event; the latency runs from the collector's
 * acknowledgement to the first {@code GET /v1/profiles/{id}/state} whose newest touchpoint is that event (polled every
 * millisecond, so the figure is at most about a millisecond pessimistic). Memory is the sum of the resident set sizes
 * of the processes in the launcher's pid files, sampled every second; the maximum is reported.
 */
public final class E2eBenchMain {

    private static final String COLLECTOR = "http://127.0.0.1:8081";
    private static final String IDENTITY = "http://127.0.0.1:8082";
    private static final String JOURNEYS = "http://127.0.0.1:8083";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String token;

    private E2eBenchMain(String token) {
        this.token = token;
    }

    /** Exits when done or failed: the background load and the memory sampler must not keep the JVM alive. */
    public static void main(String[] args) {
        int status = 1;
        try {
            run(args);
            status = 0;
        } catch (Exception e) {
            e.printStackTrace();
        } finally {
            System.exit(status);
        }
    }

    private static void run(String[] args) throws Exception {
        Path state = Path.of(".happypath");
        double rate = 1_000;
        int duration = 60;
        int warmup = 15;
        int probes = 20;
        int probeIntervalMs = 100;
        for (int i = 0; i < args.length; i += 2) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            if (v == null) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            switch (args[i]) {
                case "--state" -> state = Path.of(v);
                case "--rate" -> rate = Double.parseDouble(v);
                case "--duration" -> duration = Integer.parseInt(v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--probes" -> probes = Integer.parseInt(v);
                case "--probe-interval-ms" -> probeIntervalMs = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (options: --rate, "
                        + "--duration, --warmup, --probes, --probe-interval-ms, --state)");
            }
        }
        JwtKeys keys = JwtKeys.ensureKeyPair(state.resolve("jwt"));
        E2eBenchMain bench = new E2eBenchMain(Tokens.issue(keys.privateKey(), "analyst", Duration.ofHours(2)));
        String run = Long.toString(System.currentTimeMillis(), 36);

        System.out.printf("==> preparing %d probe customers%n", probes);
        List<String> probeUsers = new ArrayList<>();
        for (int p = 0; p < probes; p++) {
            String user = "probe-" + run + "-" + p;
            while (bench.track(user, "Probe Created") < 0) {
                Thread.sleep(1_000);
            }
            probeUsers.add(user);
        }
        List<String> probeProfiles = bench.prepare(probeUsers, Duration.ofSeconds(60));

        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        AtomicLong maxRss = new AtomicLong();
        Path pids = state.resolve("pids");
        sampler.scheduleAtFixedRate(() -> maxRss.accumulateAndGet(residentBytes(pids), Math::max), 0, 1, TimeUnit.SECONDS);

        System.out.printf("==> background load %,.0f events/s for %d s (+%d s warm-up), one probe every %d ms%n", rate,
                duration, warmup, probeIntervalMs);
        IngestLoad load = new IngestLoad(COLLECTOR, List.copyOf(DemoDefinitions.WRITE_KEYS.values()),
                new SegmentTraffic(500, 100_000), 20, 256);
        double backgroundRate = rate;
        int seconds = duration;
        int warm = warmup;
        Future<IngestLoad.Result> background = Executors.newSingleThreadExecutor()
                .submit(() -> load.run(backgroundRate, Duration.ofSeconds(warm), Duration.ofSeconds(seconds)));

        Histogram latency = new Histogram(Duration.ofMinutes(1).toNanos(), 3);
        long measureFrom = System.nanoTime() + Duration.ofSeconds(warmup).toNanos();
        long end = measureFrom + Duration.ofSeconds(duration).toNanos();
        int timeouts = 0;
        int shed = 0;
        long n = 0;
        while (System.nanoTime() < end) {
            long started = System.nanoTime();
            int p = (int) (n % probes);
            String event = "Probe " + run + " " + n++;
            long acknowledged = bench.track(probeUsers.get(p), event);
            if (acknowledged < 0) {
                shed += System.nanoTime() >= measureFrom ? 1 : 0;
            } else {
                long visible = bench.awaitTouchpoint(probeProfiles.get(p), event, Duration.ofSeconds(10));
                if (acknowledged >= measureFrom) {
                    if (visible < 0) {
                        timeouts++;
                    } else {
                        latency.recordValue(visible - acknowledged);
                    }
                }
            }
            long next = started + Duration.ofMillis(probeIntervalMs).toNanos();
            long now = System.nanoTime();
            if (next > now) {
                TimeUnit.NANOSECONDS.sleep(next - now);
            }
        }
        IngestLoad.Result result = background.get();
        sampler.shutdownNow();
        System.out.println();
        System.out.println("background: " + result.describe());
        System.out.printf(Locale.ROOT,
                "event -> live state visible: %d probes, p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms, not visible within 10 s: %d,"
                        + " shed by the collector (503/429, not measured): %d%n",
                latency.getTotalCount(), latency.getValueAtPercentile(50) / 1e6, latency.getValueAtPercentile(90) / 1e6,
                latency.getValueAtPercentile(99) / 1e6, latency.getMaxValue() / 1e6, timeouts, shed);
        System.out.printf(Locale.ROOT, "stack resident memory (broker + five services), maximum: %.0f MB%n",
                maxRss.get() / 1e6);
    }

    /**
     * Sends one track event from the store and returns when the collector acknowledged it (nanoTime), or -1 when the
     * collector shed it (503 overloaded, 429 rate-limited): under too much background load that is its answer.
     */
    private long track(String userId, String event) throws IOException, InterruptedException {
        String body = "{\"type\":\"track\",\"userId\":\"" + userId + "\",\"event\":\"" + event + "\",\"timestamp\":\""
                + Instant.now() + "\"}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(COLLECTOR + "/v1/track"))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((DemoDefinitions.WRITE_KEYS.get("store") + ":").getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        long acknowledged = System.nanoTime();
        if (r.statusCode() == 503 || r.statusCode() == 429) {
            return -1;
        }
        if (r.statusCode() != 200) {
            throw new IllegalStateException("the collector answered " + r.statusCode() + ": " + r.body());
        }
        return acknowledged;
    }

    /**
     * The profiles of the probe customers once identity-service resolved them and journey-state-service holds their
     * states, all within one {@code timeout}; else stops naming the service that lags and what it has not done.
     */
    private List<String> prepare(List<String> users, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String[] profiles = new String[users.size()];
        boolean[] hasState = new boolean[users.size()];
        while (true) {
            int unresolved = 0;
            int stateless = 0;
            for (int i = 0; i < users.size(); i++) {
                if (profiles[i] == null) {
                    profiles[i] = profileOf(users.get(i));
                }
                if (profiles[i] == null) {
                    unresolved++;
                } else if (!hasState[i]) {
                    hasState[i] = get(JOURNEYS + "/v1/profiles/" + profiles[i] + "/state").statusCode() == 200;
                    stateless += hasState[i] ? 0 : 1;
                }
            }
            if (unresolved == 0 && stateless == 0) {
                return List.of(profiles);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(unresolved > 0
                        ? "identity-service resolved " + (users.size() - unresolved) + " of " + users.size()
                                + " probe customers within " + timeout + " after the collector acknowledged them: it"
                                + " is not keeping up with hp.events.raw.v1 (./happypath logs identity-service)"
                        : "journey-state-service holds the state of " + (users.size() - stateless) + " of "
                                + users.size() + " resolved probe customers within " + timeout + ": it is not keeping"
                                + " up with hp.events.v1 (./happypath logs journey-state-service)");
            }
            Thread.sleep(100);
        }
    }

    /** The profile holding a user id, or null while identity-service does not know it. */
    private String profileOf(String userId) throws IOException, InterruptedException {
        HttpResponse<String> r = get(IDENTITY + "/v1/identities/user_id/" + userId);
        if (r.statusCode() == 404) {
            return null;
        }
        if (r.statusCode() != 200) {
            throw new IllegalStateException("identity-service answered " + r.statusCode() + ": " + r.body());
        }
        String body = r.body();
        int at = body.indexOf("\"profileId\":\"") + 13;
        return body.substring(at, body.indexOf('"', at));
    }

    /** When the state's newest touchpoint is {@code event} (nanoTime), or -1 after {@code timeout}. */
    private long awaitTouchpoint(String profileId, String event, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String needle = "\"event\":\"" + event + "\"";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = get(JOURNEYS + "/v1/profiles/" + profileId + "/state");
            if (r.statusCode() == 200 && r.body().contains(needle)) {
                return System.nanoTime();
            }
            Thread.sleep(1);
        }
        return -1;
    }

    private HttpResponse<String> get(String uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(uri)).header("Authorization", "Bearer " + token).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The summed VmRSS of the processes in the launcher's pid files. */
    static long residentBytes(Path pids) {
        try (Stream<Path> files = Files.list(pids)) {
            return files.filter(f -> f.toString().endsWith(".pid")).mapToLong(f -> {
                try {
                    String pid = Files.readString(f).strip();
                    return Files.readAllLines(Path.of("/proc", pid, "status")).stream()
                            .filter(l -> l.startsWith("VmRSS:")).mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")) * 1024)
                            .findFirst().orElse(0);
                } catch (IOException | RuntimeException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            return 0;
        }
    }
}
