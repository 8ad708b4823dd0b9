package io.happypath.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.happypath.devstack.PromQl;

/**
 * The dashboards and alerts must query metrics the services really export. Happypath's own metrics are looked up in
 * the services' sources (the Micrometer name as a string literal); the Quarkus, Micrometer and Kafka client metrics are
 * an explicit list that must be extended consciously.
 */
class DashboardsTest {

    /** Standard metrics of quarkus-micrometer-registry-prometheus (HTTP server, JVM, process, Kafka client binders). */
    static final Set<String> STANDARD = Set.of("http_server_requests_seconds_count", "http_server_requests_seconds_sum",
            "http_server_requests_seconds_max", "jvm_memory_used_bytes", "jvm_gc_pause_seconds_sum",
            "jvm_threads_live_threads", "process_cpu_usage", "kafka_consumer_fetch_manager_records_lag_max",
            "kafka_producer_topic_record_send_total");
    /** Provided by Prometheus itself and by kube-state-metrics. */
    static final Set<String> CLUSTER = Set.of("up", "kube_pod_status_ready");

    static final Pattern SUFFIX = Pattern.compile("_(total|seconds_bucket|seconds_count|seconds_sum|seconds_max|"
            + "bytes_bucket|bytes_count|bytes_sum|bytes_max|bucket|count|sum|max|seconds|bytes)$");

    static String sources;

    @BeforeAll
    static void readServiceSources() throws IOException {
        StringBuilder all = new StringBuilder();
        for (String module : List.of("event-collector", "identity-service", "journey-state-service",
                "decision-service", "analytics-service", "platform")) {
            Path src = Path.of("..", module, "src/main/java");
            if (!Files.isDirectory(src)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(src)) {
                files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
                    try {
                        all.append(Files.readString(f)).append('\n');
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
        sources = all.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"technical", "business"})
    void dashboardIsWellFormed(String name) throws IOException {
        JsonNode d = dashboard(name);
        assertThat(d.path("uid").asText()).isEqualTo("happypath-" + name);
        assertThat(d.path("panels").size()).isGreaterThanOrEqualTo(8);
        Set<Integer> ids = new TreeSet<>();
        for (JsonNode p : d.path("panels")) {
            assertThat(ids.add(p.path("id").asInt())).as("unique panel id").isTrue();
            assertThat(p.path("title").asText()).isNotBlank();
            assertThat(p.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
            assertThat(p.path("targets").size()).isPositive();
            for (JsonNode t : p.path("targets")) {
                assertThat(t.path("expr").asText()).contains("namespace=\"$namespace\"");
                assertBalanced(t.path("expr").asText());
            }
        }
    }

    @Test
    void technicalDashboardCoversTheIssue() throws IOException {
        String all = dashboard("technical").toString();
        assertThat(all).contains("http_server_requests_seconds_count", "status=~\\\"5..\\\"", "histogram_quantile",
                "kafka_consumer_fetch_manager_records_lag_max", "\\\\.dlq", "jvm_memory_used_bytes");
    }

    @Test
    void businessDashboardCoversTheIssue() throws IOException {
        String all = dashboard("business").toString();
        assertThat(all).contains("happypath_collector_events_accepted_total", "happypath_analytics_transitions_total",
                "happypath_analytics_stalls_total", "happypath_decision_suppressions_total",
                "happypath_analytics_outcomes_total");
    }

    @Test
    void everyQueriedMetricIsExported() throws IOException {
        List<String> exprs = new ArrayList<>();
        for (String name : List.of("technical", "business")) {
            dashboard(name).path("panels")
                    .forEach(p -> p.path("targets").forEach(t -> exprs.add(t.path("expr").asText())));
        }
        var rule = Manifests.ofType(Manifests.render("metrics.prometheusRule.enabled", true), PrometheusRule.class)
                .get(0);
        rule.getSpec().getGroups().forEach(g -> g.getRules().forEach(r -> exprs.add(r.getExpr().getStrVal())));
        List<String> unknown = new ArrayList<>();
        for (String expr : exprs) {
            for (String metric : PromQl.metricNames(expr)) {
                if (!exported(metric)) {
                    unknown.add(metric);
                }
            }
        }
        assertThat(unknown).as("metrics neither standard nor found in the services' code").isEmpty();
        assertThat(exprs).hasSizeGreaterThan(20);
    }

    @Test
    void aMetricThatNoServiceExportsIsDetected() {
        assertThat(exported("happypath_collector_events_accepted_total")).isTrue();
        assertThat(exported("happypath_decision_latency_seconds_bucket")).isTrue();
        assertThat(exported("happypath_journey_apply_latency_seconds")).isTrue();
        assertThat(exported("happypath_collector_events_invented_total")).isFalse();
        assertThat(exported("http_server_requests_total")).isFalse();
    }

    static boolean exported(String metric) {
        if (STANDARD.contains(metric) || CLUSTER.contains(metric)) {
            return true;
        }
        if (!metric.startsWith("happypath_")) {
            return false;
        }
        String base = SUFFIX.matcher(metric).replaceFirst("");
        return sources.contains('"' + base.replace('_', '.') + '"');
    }

    private static JsonNode dashboard(String name) throws IOException {
        return new ObjectMapper().readTree(Manifests.CHART.resolve("dashboards/" + name + ".json").toFile());
    }

    private static void assertBalanced(String expr) {
        int depth = 0;
        for (char c : expr.toCharArray()) {
            depth += c == '(' || c == '{' || c == '[' ? 1 : c == ')' || c == '}' || c == ']' ? -1 : 0;
            assertThat(depth).as(expr).isNotNegative();
        }
        assertThat(depth).as(expr).isZero();
    }
}
