package io.happypath.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.happypath.contracts.CloudEventTypes;
import io.happypath.contracts.Topics;
import io.happypath.devstack.KafkaTestClient;
import io.happypath.devstack.PromQl;
import io.happypath.devstack.PrometheusText;
import io.happypath.devstack.demo.DemoDefinitions;
import io.happypath.devstack.sim.Simulator;
import io.restassured.path.json.JsonPath;

/**
 * Every metric the chart's Grafana dashboards query is one that a running service exports. The demo's customers
 * exercise the services (journeys, stalls, merges, decisions, suppressions, outcomes); a duplicate, an invalid event
 * and a raw event identity-service cannot read add the error counters, which appear only when they first count.
 */
class DashboardMetricsIT {

    private static final Path DASHBOARDS = Stack.ROOT.resolve("helm/happypath/dashboards");

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void stack() throws Exception {
        Stack.upWithDemoDefinitions();
    }

    @Test
    void everyMetricTheDashboardsQueryIsExported() throws Exception {
        Set<String> queried = dashboardMetrics();
        assertThat(queried).as("the dashboards' metrics").hasSizeGreaterThan(20);

        Simulator.Stats stats = new Simulator(new Simulator.Settings(7, 40, Duration.ofDays(14), Duration.ofSeconds(20),
                "e2e-metrics-" + run, Stack.COLLECTOR, Stack.DECISIONS, Stack.token("decision-client"),
                DemoDefinitions.WRITE_KEYS,
                Duration.ofMillis(250), Stack.IDENTITY, Stack.JOURNEYS, Stack.token("analyst"))).run();
        assertThat(stats.decisions()).as("decisions asked by the simulated customers").isPositive();

        String duplicate = "{\"type\":\"track\",\"event\":\"Product Viewed\",\"anonymousId\":\"e2e-metrics-" + run
                + "\",\"messageId\":\"e2e-metrics-" + run + "\"}";
        for (int i = 0; i < 2; i++) {
            track(duplicate, 200);
        }
        track("{\"type\":\"track\",\"anonymousId\":\"e2e-metrics-" + run + "\"}", 400);
        try (KafkaTestClient kafka = new KafkaTestClient(Stack.BOOTSTRAP)) {
            kafka.sendCloudEvent(Topics.RAW_EVENTS, "e2e-metrics-" + run, UUID.randomUUID().toString(),
                    CloudEventTypes.TRACK, "/e2e", "{not json");
        }

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            Set<String> missing = new TreeSet<>(queried);
            missing.removeAll(exported());
            assertThat(missing).as("metrics the dashboards query that no running service exports").isEmpty();
        });
    }

    private void track(String json, int status) {
        given().baseUri(Stack.COLLECTOR.toString()).auth().preemptive().basic("local-web", "")
                .contentType("application/json").body(json).post("/v1/track").then().statusCode(status);
    }

    /** The metric names of every panel query of the chart's dashboards. */
    private static Set<String> dashboardMetrics() throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                List<String> exprs = JsonPath.from(file.toFile()).getList("panels.targets.flatten().expr",
                        String.class);
                exprs.forEach(expr -> names.addAll(PromQl.metricNames(expr)));
            }
        }
        return names;
    }

    /** The metric names the five services' {@code /q/metrics} scrapes hold now. */
    private static Set<String> exported() {
        Set<String> names = new TreeSet<>();
        for (int port : Stack.SERVICES.values()) {
            names.addAll(PrometheusText.names(given().baseUri("http://127.0.0.1:" + port).get("/q/metrics").then()
                    .statusCode(200).extract().asString()));
        }
        return names;
    }
}
