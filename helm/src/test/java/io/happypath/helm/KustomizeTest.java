package io.happypath.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * The kustomize base in {@code k8s/base} is the chart rendered with {@code k8s/base/values.yaml}, so both ways of
 * installing follow the same conventions. There is no kustomize binary here: the overlays are checked for references
 * that resolve and patches that parse.
 */
class KustomizeTest {

    static final Path K8S = Path.of("../k8s");
    static final Path BASE = K8S.resolve("base/happypath.yaml");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static List<HasMetadata> base;

    @BeforeAll
    static void renderBase() throws IOException {
        String rendered = Manifests.template("happypath", K8S.resolve("base/values.yaml"));
        if (Boolean.getBoolean("happypath.k8s.update")) {
            Files.writeString(BASE, "# Generated from helm/happypath with k8s/base/values.yaml: do not edit, see "
                    + "docs/KUBERNETES.md.\n" + rendered);
        }
        base = Manifests.parse(Files.readString(BASE));
    }

    @Test
    void baseIsTheChartRenderedWithTheBaseValues() throws IOException {
        String rendered = Manifests.template("happypath", K8S.resolve("base/values.yaml"));
        assertThat(Files.readString(BASE)).as("k8s/base/happypath.yaml is stale: run ./mvnw -B -pl helm verify "
                + "-Dhappypath.k8s.update=true").endsWith(rendered);
    }

    @Test
    void baseParsesWithoutUnknownFields() {
        assertThat(base).isNotEmpty();
        assertThat(Manifests.unknownFields(base)).isEmpty();
        assertThat(Manifests.ofType(base, Deployment.class)).hasSize(5);
        assertThat(HelmChartTest.dashboards(base)).hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void everyReferenceOfAKustomizationResolves(String dir) throws IOException {
        Path d = K8S.resolve(dir);
        Map<String, Object> k = YAML.readValue(d.resolve("kustomization.yaml").toFile(), Map.class);
        assertThat(k).containsEntry("apiVersion", "kustomize.config.k8s.io/v1beta1").containsEntry("kind",
                "Kustomization");
        for (String r : list(k, "resources")) {
            assertThat(d.resolve(r)).as(r).exists();
        }
        Set<String> baseNames = base.stream().map(o -> o.getMetadata().getName()).collect(Collectors.toSet());
        for (Map<String, Object> r : maps(k, "replicas")) {
            assertThat(baseNames).contains((String) r.get("name"));
        }
        Set<String> images = Manifests.ofType(base, Deployment.class).stream()
                .map(dep -> dep.getSpec().getTemplate().getSpec().getContainers().get(0).getImage().split(":")[0])
                .collect(Collectors.toSet());
        for (Map<String, Object> i : maps(k, "images")) {
            assertThat(images).contains((String) i.get("name"));
        }
        for (Map<String, Object> p : maps(k, "patches")) {
            Path file = d.resolve((String) p.get("path"));
            String text = Files.readString(file);
            if (p.containsKey("target")) {
                // A JSON patch: each path must exist in every Deployment it targets.
                List<Map<String, Object>> ops = YAML.readValue(text, List.class);
                for (Map<String, Object> op : ops) {
                    for (Deployment dep : Manifests.ofType(base, Deployment.class)) {
                        assertThat(YAML.valueToTree(dep).at((String) op.get("path")).isMissingNode())
                                .as(op.get("path") + " in " + dep.getMetadata().getName()).isFalse();
                    }
                }
            } else {
                // Strategic merge patches: valid objects that name objects of the base.
                List<HasMetadata> patches = Manifests.parse(text);
                assertThat(patches).isNotEmpty();
                assertThat(Manifests.unknownFields(patches)).isEmpty();
                assertThat(patches).allSatisfy(o -> assertThat(baseNames).contains(o.getMetadata().getName()));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> list(Map<String, Object> k, String key) {
        return (List<String>) k.getOrDefault(key, List.of());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Map<String, Object> k, String key) {
        return (List<Map<String, Object>>) k.getOrDefault(key, List.of());
    }
}
