package io.happypath.devstack.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.happypath.contracts.Json;
import io.happypath.devstack.JwtKeys;
import io.happypath.devstack.PrometheusText;
import io.happypath.devstack.Tokens;
import io.happypath.devstack.sim.Simulator;

/**
 * {@code ./happypath demo} after {@code up}: installs the sample journeys, segments, actions, contact policies and the
 * experiment (src/main/resources/demo), runs the customer simulator, waits until the platform has taken in what it
 * sent, and prints a summary from the analytics API. Every step is idempotent, so a second run needs no clean-up.
 *
 * <pre>
 * java -cp ... io.happypath.devstack.demo.DemoMain --jwt-dir .happypath/jwt [--customers 300] [--seed 42]
 *     [--days 14] [--duration 60] [--run ID]
 * </pre>
 */
public final class DemoMain {

    private static final ObjectMapper JSON = Json.newMapper();
    private static final URI COLLECTOR = URI.create("http://127.0.0.1:8081");
    private static final URI IDENTITY = URI.create("http://127.0.0.1:8082");
    private static final URI JOURNEYS = URI.create("http://127.0.0.1:8083");
    private static final URI DECISIONS = URI.create("http://127.0.0.1:8084");
    private static final URI ANALYTICS = URI.create("http://127.0.0.1:8085");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String adminToken;

    private DemoMain(String adminToken) {
        this.adminToken = adminToken;
    }

    public static void main(String[] args) throws Exception {
        Path jwtDir = Path.of(".happypath", "jwt");
        int customers = 300;
        long seed = 42;
        int days = 14;
        int duration = 60;
        String run = Long.toString(Instant.now().getEpochSecond(), 36);
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            String v = args[i + 1];
            switch (args[i]) {
                case "--jwt-dir" -> jwtDir = Path.of(v);
                case "--customers" -> customers = Integer.parseInt(v);
                case "--seed" -> seed = Long.parseLong(v);
                case "--days" -> days = Integer.parseInt(v);
                case "--duration" -> duration = Integer.parseInt(v);
                case "--run" -> run = v;
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (options: --customers N --seed N --days N --duration SECONDS --run ID --jwt-dir DIR)");
            }
        }
        JwtKeys keys = JwtKeys.ensureKeyPair(jwtDir);
        DemoMain demo = new DemoMain(Tokens.issue(keys.privateKey(), "admin", Duration.ofHours(2)));
        System.out.println("==> installing the sample journeys, segments, actions, contact policies and experiment");
        DemoDefinitions.install(JOURNEYS, DECISIONS, demo.adminToken).forEach(p -> System.out.println("    " + p));

        System.out.printf("==> simulating %d customers over %d days in %d s (seed %d, run %s)%n", customers, days,
                duration, seed, run);
        double consumedBefore = demo.consumedByAnalytics();
        Simulator.Settings settings = new Simulator.Settings(seed, customers, Duration.ofDays(days),
                Duration.ofSeconds(duration), run, COLLECTOR, DECISIONS,
                Tokens.issue(keys.privateKey(), "decision-client", Duration.ofHours(2)), DemoDefinitions.WRITE_KEYS,
                Duration.ofMillis(250), IDENTITY, JOURNEYS, Tokens.issue(keys.privateKey(), "analyst",
                        Duration.ofHours(2)));
        Simulator.Stats stats = new Simulator(settings).run();
        System.out.printf("    sent %d events in %d sessions, asked for %d decisions, reported outcomes %s%n",
                stats.messages(), stats.sessions(), stats.decisions(), stats.outcomes());
        System.out.println("    customers by persona: " + stats.personas());
        if (!stats.failures().isEmpty()) {
            System.out.println("    failed requests: " + stats.failures() + " (see ./happypath logs SERVICE)");
        }
        demo.awaitAnalytics(consumedBefore, stats.messages());
        demo.summary(stats);
    }

    /** Waits until analytics has consumed the simulated events (or stops moving), at most two minutes. */
    private void awaitAnalytics(double consumedBefore, long sent) throws InterruptedException {
        System.out.println("==> waiting for the platform to take in the events");
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        double last = -1;
        int still = 0;
        while (System.nanoTime() < deadline) {
            double consumed = consumedByAnalytics() - consumedBefore;
            // analytics sees every event twice or more: hp.events.v1, plus the journey and identity events it causes
            if (consumed >= sent && consumed == last && ++still >= 3) {
                return;
            }
            if (consumed != last) {
                still = 0;
            }
            last = consumed;
            Thread.sleep(1000);
        }
        System.out.println("    analytics is still catching up; the dashboard fills in as it does");
    }

    private double consumedByAnalytics() {
        HttpResponse<String> r = send(HttpRequest.newBuilder(ANALYTICS.resolve("/q/metrics")).GET());
        return PrometheusText.sum(r.body(), "happypath_analytics_events_consumed_total");
    }

    private void summary(Simulator.Stats stats) {
        JsonNode funnel = get(ANALYTICS, "/v1/journeys/phone-onboarding/funnel");
        System.out.println();
        System.out.println("Funnel of phone-onboarding (profiles entering each stage, and moving on to the next):");
        for (JsonNode s : funnel.path("stages")) {
            System.out.printf("  %-12s %6d entered", s.path("stage").asText(), s.path("entered").asLong());
            if (!s.path("nextStage").isNull() && !s.path("nextStage").isMissingNode()) {
                System.out.printf("  → %-12s %6d (%s)", s.path("nextStage").asText(), s.path("convertedToNext").asLong(),
                        percent(s.path("conversionRate")));
            }
            System.out.println();
        }

        JsonNode paths = get(ANALYTICS, "/v1/paths?steps=5&top=6&label=channel");
        System.out.println();
        System.out.println("Top paths across channels (the heaviest flows from each step to the next):");
        Map<String, JsonNode> nodes = new java.util.HashMap<>();
        paths.path("nodes").forEach(n -> nodes.put(n.path("id").asText(), n));
        List<JsonNode> links = new ArrayList<>();
        paths.path("links").forEach(links::add);
        for (int column = 0; column < 4; column++) {
            int c = column;
            List<JsonNode> step = links.stream()
                    .filter(l -> nodes.get(l.path("source").asText()).path("column").asInt() == c)
                    .sorted(Comparator.comparingLong((JsonNode l) -> l.path("profiles").asLong()).reversed())
                    .limit(3).toList();
            if (step.isEmpty()) {
                break;
            }
            System.out.printf("  step %d → %d:", column + 1, column + 2);
            for (JsonNode l : step) {
                System.out.printf("  %s → %s (%d)", nodes.get(l.path("source").asText()).path("label").asText(),
                        nodes.get(l.path("target").asText()).path("label").asText(), l.path("profiles").asLong());
            }
            System.out.println();
        }

        System.out.println();
        System.out.println("Tone-deaf offers the guards suppressed, by reason (in the decisions the channels asked for):");
        Map<String, Long> guarded = new TreeMap<>();
        long ruled = 0;
        for (Map.Entry<String, Long> e : stats.suppressed().entrySet()) {
            if (e.getKey().contains(" rule not met")) {
                ruled += e.getValue(); // eligibility, applicability, suitability: not for this customer at all
            } else {
                guarded.merge(e.getKey().replaceAll(" at \\S+$", ""), e.getValue(), Long::sum);
            }
        }
        if (guarded.isEmpty()) {
            System.out.println("  none");
        }
        guarded.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                .forEach(e -> System.out.printf("  %6d  %s%n", e.getValue(), e.getKey()));
        System.out.printf("  (and %d candidates whose eligibility, applicability or suitability rule did not hold)%n", ruled);
        System.out.println();
        System.out.println("Top actions shown: " + stats.shown());
        System.out.println();
        System.out.println("Dashboard: " + ANALYTICS.resolve("/") + "   (token: ./happypath token analyst)");
    }

    private static String percent(JsonNode rate) {
        return rate.isNumber() ? String.format(Locale.ROOT, "%.0f %%", rate.asDouble() * 100) : "–";
    }

    private JsonNode get(URI service, String pathAndQuery) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(service.resolve(pathAndQuery)).GET());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + pathAndQuery + " answered " + r.statusCode() + ": " + r.body());
        }
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + adminToken)
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach " + request.build().uri() + ": is the stack up?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
