package io.happypath.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** values.schema.json must turn typos and wrong types into an error of {@code helm install}, not a silent default. */
class ValuesSchemaTest {

    @ParameterizedTest
    @CsvSource({
            // typos of keys, at every depth
            "services.collector.replicaCont, 3",
            "services.decision.autoscaling.enable, true",
            "metrics.serviceMonitor.enable, true",
            "postgresql.existingSecrets, pg",
            "securityContext.readOnlyRootFileSystem, true",
            "services.identity.resources.request.cpu, 1",
            "servces.identity.enabled, true",
            // an ingress exists only for the collector and the dashboard
            "services.journey.ingress.enabled, true",
            // wrong types and values
            "services.collector.replicaCount, two",
            "postgresql.port, 99999",
            "global.image.flavor, graal",
            "metrics.serviceMonitor.interval, often",
            "services.collector.autoscaling.targetCPUUtilizationPercentage, 150",
            "redis.url, 'http://redis:6379'"})
    void rejectsTyposAndWrongTypes(String key, String value) {
        assertThatThrownBy(() -> Manifests.template(null, key, value))
                .hasMessageContaining("values don't meet the specifications of the schema");
    }

    @Test
    void rejectsATypoInAValuesFile(@TempDir Path dir) throws IOException {
        Path values = dir.resolve("values.yaml");
        Files.writeString(values, """
                services:
                  collector:
                    ingres:
                      enabled: true
                """);
        assertThatThrownBy(() -> Manifests.template(values)).hasMessageContaining("ingres");
    }

    @Test
    void acceptsTheDefaultsAndTheEverythingFile() {
        assertThat(Manifests.template(null)).contains("kind: Deployment");
        assertThat(Manifests.template(Manifests.EVERYTHING)).contains("kind: Deployment");
    }

    @Test
    void everyObjectOfTheSchemaClosesItsProperties() throws IOException {
        JsonNode schema = new ObjectMapper().readTree(Manifests.CHART.resolve("values.schema.json").toFile());
        List<String> open = new ArrayList<>();
        collectOpenObjects(schema, "", open);
        assertThat(open).isEmpty();
    }

    @Test
    void everyKeyOfTheDefaultValuesIsDescribedByTheSchema() throws IOException {
        JsonNode schema = new ObjectMapper().readTree(Manifests.CHART.resolve("values.schema.json").toFile());
        JsonNode values = new ObjectMapper(new YAMLFactory()).readTree(Manifests.CHART.resolve("values.yaml").toFile());
        List<String> undescribed = new ArrayList<>();
        collectUndescribed(values, schema, "", undescribed);
        assertThat(undescribed).isEmpty();
        assertThat(values.path("services").size()).isEqualTo(5);
    }

    private static void collectUndescribed(JsonNode values, JsonNode schema, String path, List<String> undescribed) {
        if (!values.isObject() || !schema.has("properties")) {
            return;
        }
        values.fields().forEachRemaining(e -> {
            JsonNode child = schema.path("properties").path(e.getKey());
            if (child.isMissingNode()) {
                undescribed.add(path + "." + e.getKey());
            } else {
                collectUndescribed(e.getValue(), child, path + "." + e.getKey(), undescribed);
            }
        });
    }

    /** Objects with {@code properties} must say {@code additionalProperties: false}. */
    private static void collectOpenObjects(JsonNode node, String path, List<String> open) {
        if (node.isObject()) {
            if (node.has("properties") && !(node.path("additionalProperties").isBoolean()
                    && !node.path("additionalProperties").booleanValue())) {
                open.add(path.isEmpty() ? "(root)" : path);
            }
            node.fields().forEachRemaining(e -> collectOpenObjects(e.getValue(), path + "/" + e.getKey(), open));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectOpenObjects(node.get(i), path + "/" + i, open);
            }
        }
    }
}
