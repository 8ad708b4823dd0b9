package io.happypath.analytics.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.happypath.analytics.domain.Breakdown;
import io.happypath.analytics.domain.Label;
import io.happypath.analytics.domain.TimeRange;
import io.happypath.analytics.service.AnalyticsService;
import io.happypath.contracts.Topics;
import io.happypath.devstack.JwtTestResource;
import io.happypath.devstack.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The analytics benchmark (not a test: surefire does not pick it up by name). {@link BenchDataSet} loads the input
 * topics before the service starts; this measures how fast the service drains them into facts and aggregates
 * (consumer group offsets committed after each batch is stored), then the p50/p95 of the funnel and Sankey queries
 * over HTTP, and the same queries computed by scanning the raw facts (the baseline), whose answers must be equal.
 * <p>
 * Run: {@code ./mvnw -B -pl analytics-service test -Dtest=AnalyticsBench -Dsurefire.failIfNoSpecifiedTests=false
 * -Dbench.events=1000000 -Dbench.profiles=50000} (also {@code bench.days}, default 28; {@code bench.queries}, default
 * 50; {@code bench.baselineRuns}, default 3; {@code bench.keep=true} keeps the database, and a later run with
 * {@code bench.reuse=true} and the same data set properties measures only the queries on it). The report is printed
 * (lines starting with {@code BENCH}) and written to {@code target/analytics-bench.txt}.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(JwtTestResource.class)
@WithTestResource(BenchDataSet.class)
class AnalyticsBench {

    // Read in the test, not injected: every Quarkus test would otherwise need these properties to start.
    long events;
    long stageEntries;
    int profiles;
    int days;
    double produceSeconds;
    String groupId;
    String bootstrapServers;

    @Inject
    AnalyticsService analytics;
    @Inject
    Pool pool;

    @TestHTTPResource("/")
    URI root;

    final List<String> report = new ArrayList<>();

    @Test
    void ingestThenQuery() throws Exception {
        Config config = ConfigProvider.getConfig();
        events = config.getValue("bench.loaded.events", Long.class);
        stageEntries = config.getValue("bench.loaded.stage-entries", Long.class);
        profiles = config.getValue("bench.loaded.profiles", Integer.class);
        days = config.getValue("bench.loaded.days", Integer.class);
        produceSeconds = config.getValue("bench.loaded.produce-seconds", Double.class);
        groupId = config.getValue("mp.messaging.connector.smallrye-kafka.group.id", String.class);
        bootstrapServers = config.getValue("kafka.bootstrap.servers", String.class);
        boolean reuse = Boolean.getBoolean("bench.reuse");
        line("data set: %d path events + %d stage entries = %d facts, %d profiles over %d days (%s)", events, stageEntries,
                events + stageEntries, profiles, days,
                reuse ? "reused" : "produced to Kafka in %.1f s".formatted(produceSeconds));
        if (reuse) {
            line("fact ingestion: not measured (bench.reuse: the database of an earlier run)");
        } else {
            line("load average before ingestion: %s", loadAverage());
            measureIngestion();
            line("load average after ingestion: %s", loadAverage());
        }
        assertEquals(events, count("SELECT count(*) FROM analytics.fact_event"));
        assertEquals(stageEntries, count("SELECT count(*) FROM analytics.fact_journey"));
        // The tables were created and filled minutes ago: give the planner the statistics autovacuum would soon gather,
        // so that both the aggregates and the baseline are measured in their steady state.
        long analyzeStart = System.nanoTime();
        pool.query("ANALYZE").execute().await().indefinitely();
        line("ANALYZE after loading: %.1f s", (System.nanoTime() - analyzeStart) / 1e9);

        // A dashboard-like range: most of the data, starting and ending in the middle of a day.
        Instant from = BenchDataSet.START.plus(Duration.ofHours(27));
        Instant to = BenchDataSet.START.plus(Duration.ofDays(days - 1)).plus(Duration.ofHours(5));
        TimeRange range = new TimeRange(from, to);
        int n = Integer.getInteger("bench.queries", 50);
        String q = "from=" + enc(from.toString()) + "&to=" + enc(to.toString());
        http("funnel /v1/journeys/lifecycle/funnel", "/v1/journeys/" + BenchDataSet.JOURNEY + "/funnel?" + q, n);
        http("funnel with breakdown=firstChannel", "/v1/journeys/" + BenchDataSet.JOURNEY + "/funnel?" + q
                + "&breakdown=firstChannel", n);
        http("Sankey /v1/paths steps=5 top=8", "/v1/paths?" + q + "&steps=5&top=8", n);
        http("Sankey steps=5 top=8 journey=lifecycle", "/v1/paths?" + q + "&steps=5&top=8&journey=" + BenchDataSet.JOURNEY, n);
        http("Sankey steps=5 top=8 startsWith='store · Order Completed' (reads stored paths)",
                "/v1/paths?" + q + "&steps=5&top=8&startsWith=" + enc("store · Order Completed"), Math.max(3, n / 5));

        int baselineRuns = Integer.getInteger("bench.baselineRuns", 3);
        AnalyticsService.Funnel funnel = analytics.funnel(BenchDataSet.JOURNEY, range, null, Breakdown.NONE).await()
                .indefinitely();
        AnalyticsService.Funnel funnelScan = timed("baseline funnel by scanning fact_journey (in process)", baselineRuns,
                () -> analytics.funnelFromFacts(BenchDataSet.JOURNEY, range, null).await().indefinitely());
        timed("aggregates funnel (in process, same call without HTTP)", n,
                () -> analytics.funnel(BenchDataSet.JOURNEY, range, null, Breakdown.NONE).await().indefinitely());
        AnalyticsService.Paths sankey = analytics.paths(range, Label.CHANNEL_EVENT, 5, 8, null, null).await().indefinitely();
        AnalyticsService.Paths sankeyScan = timed("baseline Sankey by scanning fact_event (in process)", baselineRuns,
                () -> analytics.pathsFromFacts(range, Label.CHANNEL_EVENT, 5, 8, null, null).await().indefinitely());
        timed("aggregates Sankey (in process, same call without HTTP)", n,
                () -> analytics.paths(range, Label.CHANNEL_EVENT, 5, 8, null, null).await().indefinitely());
        line("load average after queries: %s", loadAverage());

        // The aggregates must give exactly what the scan gives.
        assertEquals(funnelScan.stages(), funnel.stages());
        assertEquals(sankeyScan.nodes(), sankey.nodes());
        assertEquals(sankeyScan.links(), sankey.links());
        assertTrue(sankey.profiles() > 0);
        line("aggregates == raw-fact scans: funnel (%d stages, %d entered the first) and Sankey (%d profiles, %d nodes, "
                + "%d links)", funnel.stages().size(), funnel.stages().get(0).entered(), sankey.profiles(),
                sankey.nodes().size(), sankey.links().size());
        Path file = Path.of("target/analytics-bench.txt");
        Files.write(file, report);
        System.out.println("BENCH report written to " + file.toAbsolutePath());
    }

    /** Polls the committed offsets of the service's consumer group until every loaded record is stored. */
    private void measureIngestion() throws Exception {
        long total = events + stageEntries;
        long timeout = System.nanoTime() + Duration.ofMinutes(Long.getLong("bench.timeoutMinutes", 60)).toNanos();
        long firstTime = 0;
        long firstDone = -1;
        long done = 0;
        long now = 0;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            while (System.nanoTime() < timeout) {
                done = committed(admin);
                now = System.nanoTime();
                if (firstDone < 0) {
                    firstDone = done;
                    firstTime = now;
                }
                if (done >= total) {
                    break;
                }
                Thread.sleep(500);
            }
        }
        assertEquals(total, done, "every loaded record stored before the timeout");
        double seconds = (now - firstTime) / 1e9;
        line("fact ingestion: %d facts stored in %.1f s while measured (%d were stored before the first sample) "
                + "= %.0f facts/s (%.0f path events/s)", done - firstDone, seconds, firstDone,
                (done - firstDone) / seconds, (done - firstDone) / seconds * events / total);
    }

    private long committed(Admin admin) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get();
        return offsets.entrySet().stream()
                .filter(e -> e.getKey().topic().equals(Topics.EVENTS) || e.getKey().topic().equals(Topics.JOURNEY))
                .filter(e -> e.getValue() != null).mapToLong(e -> e.getValue().offset()).sum();
    }

    private void http(String name, String pathAndQuery, int n) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(root.resolve(pathAndQuery))
                .header("Authorization", "Bearer " + JwtTestResource.token("analyst")).GET().build();
        for (int i = 0; i < Math.min(5, n); i++) {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
        }
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            ms.add((System.nanoTime() - start) / 1e6);
            assertEquals(200, r.statusCode(), r.body());
        }
        line("%s over HTTP, %d runs: %s", name, n, summary(ms));
    }

    private <T> T timed(String name, int n, Supplier<T> call) {
        T result = null;
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            result = call.get();
            ms.add((System.nanoTime() - start) / 1e6);
        }
        line("%s, %d runs: %s", name, n, summary(ms));
        return result;
    }

    /** p50, p95 (nearest rank) and max in milliseconds. */
    static String summary(List<Double> ms) {
        List<Double> sorted = new ArrayList<>(ms);
        Collections.sort(sorted);
        Map<String, Double> s = new LinkedHashMap<>();
        s.put("p50", sorted.get((int) Math.ceil(0.5 * sorted.size()) - 1));
        s.put("p95", sorted.get((int) Math.ceil(0.95 * sorted.size()) - 1));
        s.put("max", sorted.get(sorted.size() - 1));
        StringBuilder b = new StringBuilder();
        s.forEach((k, v) -> b.append(k).append(' ').append(String.format("%.1f ms", v)).append("  "));
        return b.toString().trim();
    }

    private long count(String sql) {
        return pool.query(sql).execute().await().indefinitely().iterator().next().getLong(0);
    }

    private static String loadAverage() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).trim();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private void line(String format, Object... args) {
        String text = String.format(format, args);
        report.add(text);
        System.out.println("BENCH " + text);
    }
}
