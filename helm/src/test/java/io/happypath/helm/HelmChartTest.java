package io.happypath.helm;

import static io.happypath.helm.Manifests.EVERYTHING;
import static io.happypath.helm.Manifests.ofKind;
import static io.happypath.helm.Manifests.ofType;
import static io.happypath.helm.Manifests.render;
import static io.happypath.helm.Manifests.renderWith;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.happypath.contracts.Topics;

class HelmChartTest {

    static final List<String> COMPONENTS = List.of("event-collector", "identity-service", "journey-state-service",
            "decision-service", "analytics-service");
    static final List<String> DATABASE_COMPONENTS = COMPONENTS.subList(1, 5);

    static List<HasMetadata> defaults;
    static List<HasMetadata> everything;

    @BeforeAll
    static void renderOnce() {
        defaults = render();
        everything = renderWith(EVERYTHING);
    }

    static Stream<List<HasMetadata>> renders() {
        return Stream.of(defaults, everything);
    }

    @Test
    void lintPassesWithoutWarnings() {
        var result = Manifests.chart().lint().strict().call();
        assertThat(result.isFailed()).as("%s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @ParameterizedTest
    @MethodSource("renders")
    void everyObjectParsesWithoutUnknownFields(List<HasMetadata> objects) {
        assertThat(objects).isNotEmpty();
        assertThat(Manifests.unknownFields(objects)).isEmpty();
        assertThat(objects).allSatisfy(o -> assertThat(o.getMetadata().getName()).matches("[a-z0-9.-]{1,63}"));
    }

    @Test
    void unknownFieldsAreReported() {
        // The walker itself must catch a typo, or the previous test proves nothing.
        var parsed = Manifests.parse("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  replica: 2
                  template:
                    spec:
                      containers: [{name: c, image: i, readinessprobe: {}}]
                """);
        assertThat(Manifests.unknownFields(parsed)).containsExactlyInAnyOrder("Deployment x: .spec replica",
                "Deployment x: .spec .template .spec .containers[0] readinessprobe");
    }

    @ParameterizedTest
    @MethodSource("renders")
    void everyServiceHasADeploymentWithProbesResourcesSecurityContextAndLabels(List<HasMetadata> objects) {
        List<Deployment> deployments = ofType(objects, Deployment.class);
        assertThat(deployments).extracting(d -> d.getMetadata().getLabels().get("app.kubernetes.io/component"))
                .containsExactlyInAnyOrderElementsOf(COMPONENTS);
        for (Deployment d : deployments) {
            assertStandardLabels(d);
            assertStandardLabels(d.getSpec().getTemplate());
            var pod = d.getSpec().getTemplate().getSpec();
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            assertThat(pod.getAutomountServiceAccountToken()).isFalse();
            assertThat(pod.getContainers()).hasSize(1);
            Container c = pod.getContainers().get(0);
            assertProbe(c.getStartupProbe(), "/q/health/started");
            assertProbe(c.getLivenessProbe(), "/q/health/live");
            assertProbe(c.getReadinessProbe(), "/q/health/ready");
            assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
            assertThat(c.getResources().getLimits()).containsKey("memory");
            var sc = c.getSecurityContext();
            assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
            assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
            assertThat(sc.getRunAsNonRoot()).isTrue();
            assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
            assertThat(sc.getPrivileged()).isNotEqualTo(Boolean.TRUE);
            // A read-only root needs a writable /tmp for Quarkus and the Kafka clients.
            assertThat(c.getVolumeMounts()).anySatisfy(m -> {
                assertThat(m.getMountPath()).isEqualTo("/tmp");
                assertThat(pod.getVolumes()).anySatisfy(v -> {
                    assertThat(v.getName()).isEqualTo(m.getName());
                    assertThat(v.getEmptyDir()).isNotNull();
                });
            });
            assertThat(c.getPorts()).singleElement().satisfies(p -> assertThat(p.getName()).isEqualTo("http"));
        }
    }

    @ParameterizedTest
    @MethodSource("renders")
    void selectorsNeverContainTheVersion(List<HasMetadata> objects) {
        for (Deployment d : ofType(objects, Deployment.class)) {
            assertSelector(d.getSpec().getSelector().getMatchLabels(), d);
            assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
                    .containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());
        }
        for (Service s : ofType(objects, Service.class)) {
            assertSelector(s.getSpec().getSelector(), s);
        }
        for (PodDisruptionBudget p : ofType(objects, PodDisruptionBudget.class)) {
            assertSelector(p.getSpec().getSelector().getMatchLabels(), p);
        }
        for (ServiceMonitor m : ofType(objects, ServiceMonitor.class)) {
            assertSelector(m.getSpec().getSelector().getMatchLabels(), m);
        }
        for (NetworkPolicy n : ofType(objects, NetworkPolicy.class)) {
            assertSelector(n.getSpec().getPodSelector().getMatchLabels(), n);
        }
    }

    @Test
    void optionalObjectsAreOffByDefault() {
        assertThat(ofType(defaults, ServiceMonitor.class)).isEmpty();
        assertThat(ofType(defaults, PrometheusRule.class)).isEmpty();
        assertThat(dashboards(defaults)).isEmpty();
        assertThat(ofType(defaults, NetworkPolicy.class)).isEmpty();
        assertThat(ofType(defaults, Ingress.class)).isEmpty();
        assertThat(ofType(defaults, HorizontalPodAutoscaler.class)).isEmpty();
        assertThat(ofKind(defaults, "KafkaTopic")).isEmpty();
        // Replicas fixed when not autoscaled; a PDB for the services that run more than one replica.
        assertThat(ofType(defaults, Deployment.class)).allSatisfy(d -> assertThat(d.getSpec().getReplicas()).isPositive());
        assertThat(ofType(defaults, PodDisruptionBudget.class)).hasSize(4);
    }

    @Test
    void everythingEnabledRendersEveryOptionalObject() {
        assertThat(ofType(everything, ServiceMonitor.class)).hasSize(5).allSatisfy(m -> {
            assertThat(m.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
            assertThat(m.getSpec().getEndpoints()).singleElement().satisfies(e -> {
                assertThat(e.getPath()).isEqualTo("/q/metrics");
                assertThat(e.getPort()).isEqualTo("http");
            });
        });
        assertThat(ofType(everything, PrometheusRule.class)).singleElement()
                .satisfies(r -> assertThat(r.getSpec().getGroups().get(0).getRules())
                        .extracting(rule -> rule.getAlert()).contains("HappypathConsumerLagHigh",
                                "HappypathHttpErrorRateHigh", "HappypathDeadLettersGrowing", "HappypathReadinessFlapping"));
        assertThat(dashboards(everything)).hasSize(2).allSatisfy(cm -> {
            assertThat(cm.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
            assertThat(cm.getMetadata().getNamespace()).isEqualTo("monitoring");
        });
        assertThat(ofType(everything, NetworkPolicy.class)).hasSize(5);
        assertThat(ofType(everything, Ingress.class))
                .extracting(i -> i.getMetadata().getLabels().get("app.kubernetes.io/component"))
                .containsExactlyInAnyOrder("event-collector", "analytics-service");
        assertThat(ofType(everything, HorizontalPodAutoscaler.class)).hasSize(4).allSatisfy(h -> {
            assertThat(h.getSpec().getScaleTargetRef().getName()).isEqualTo(h.getMetadata().getName());
            assertThat(ofType(everything, Deployment.class))
                    .filteredOn(d -> d.getMetadata().getName().equals(h.getMetadata().getName()))
                    .singleElement().satisfies(d -> assertThat(d.getSpec().getReplicas()).isNull());
        });
        assertThat(ofType(everything, PodDisruptionBudget.class)).hasSize(5);
    }

    @Test
    void dashboardsAndMonitorsCanBeEnabledOneByOne() {
        var monitorsOnly = render("metrics.serviceMonitor.enabled", true);
        assertThat(ofType(monitorsOnly, ServiceMonitor.class)).hasSize(5);
        assertThat(dashboards(monitorsOnly)).isEmpty();
        var dashboardsOnly = render("metrics.dashboards.enabled", true);
        assertThat(dashboards(dashboardsOnly)).extracting(cm -> cm.getData().keySet().iterator().next())
                .containsExactlyInAnyOrder("happypath-technical.json", "happypath-business.json");
        assertThat(ofType(dashboardsOnly, ServiceMonitor.class)).isEmpty();
    }

    @Test
    void strimziTopicsCoverEveryTopicAndItsDeadLetterTwin() {
        List<GenericKubernetesResource> topics = ofKind(everything, "KafkaTopic");
        assertThat(topics).extracting(t -> t.getMetadata().getName()).containsExactlyInAnyOrderElementsOf(Topics.ALL);
        for (GenericKubernetesResource t : topics) {
            assertThat(t.getApiVersion()).isEqualTo("kafka.strimzi.io/v1beta2");
            assertThat(t.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "my-cluster");
            Map<String, Object> spec = t.get("spec");
            assertThat(spec).containsOnlyKeys("topicName", "partitions", "replicas", "config");
            assertThat(spec.get("topicName")).isEqualTo(t.getMetadata().getName());
            assertThat(spec.get("partitions")).isEqualTo(t.getMetadata().getName().endsWith(".dlq") ? 1 : 6);
            assertThat(spec.get("replicas")).isEqualTo(3);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"collector", "identity", "journey", "decision", "analytics"})
    void eachServiceCanBeSwitchedOff(String key) {
        var objects = render("services." + key + ".enabled", false, "metrics.serviceMonitor.enabled", true,
                "networkPolicy.enabled", true);
        assertThat(ofType(objects, Deployment.class)).hasSize(4);
        assertThat(ofType(objects, Service.class)).hasSize(4);
        assertThat(ofType(objects, ServiceMonitor.class)).hasSize(4);
        assertThat(ofType(objects, NetworkPolicy.class)).hasSize(4);
        assertThat(ofType(objects, ConfigMap.class)).hasSize(4);
    }

    @Test
    void credentialsComeFromExistingSecretsAndEndpointsFromValues() {
        for (Deployment d : ofType(everything, Deployment.class)) {
            String component = d.getMetadata().getLabels().get("app.kubernetes.io/component");
            List<EnvVar> env = d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
            if (DATABASE_COMPONENTS.contains(component)) {
                assertThat(env).filteredOn(e -> e.getName().startsWith("HAPPYPATH_DB_")).extracting(EnvVar::getName)
                        .containsExactlyInAnyOrder("HAPPYPATH_DB_USER", "HAPPYPATH_DB_PASSWORD");
                assertThat(env).filteredOn(e -> e.getName().startsWith("HAPPYPATH_DB_"))
                        .allSatisfy(e -> assertThat(e.getValueFrom().getSecretKeyRef().getName())
                                .isEqualTo("happypath-postgresql"));
            } else {
                assertThat(env).noneMatch(e -> e.getName().startsWith("HAPPYPATH_DB_"));
            }
            if ("decision-service".equals(component)) {
                assertThat(env).filteredOn(e -> e.getName().equals("HAPPYPATH_SERVICE_TOKEN")).singleElement()
                        .satisfies(e -> assertThat(e.getValueFrom().getSecretKeyRef().getName())
                                .isEqualTo("happypath-service-token"));
            } else {
                assertThat(env).noneMatch(e -> e.getName().equals("HAPPYPATH_SERVICE_TOKEN"));
            }
            // No literal value of a secret-looking variable anywhere.
            assertThat(env).filteredOn(e -> e.getName().matches(".*(PASSWORD|WRITE_KEY|REDIS_URL|TOKEN)"))
                    .allSatisfy(e -> assertThat(e.getValue()).isNull());
        }
        ConfigMap collector = configMap(everything, "happypath-event-collector");
        assertThat(collector.getData()).containsEntry("HAPPYPATH_KAFKA_BOOTSTRAP_SERVERS",
                "my-cluster-kafka-bootstrap.kafka:9093").doesNotContainKey("HAPPYPATH_REDIS_URL");
        assertThat(collector.getData().get("application.properties")).contains(
                "happypath.collector.sources.call-center.write-key=${HAPPYPATH_COLLECTOR_SOURCES_CALL_CENTER_WRITE_KEY}",
                "happypath.collector.sources.call-center.channel=callcenter",
                "happypath.collector.dedup.ttl=12h");
        ConfigMap identity = configMap(everything, "happypath-identity-service");
        assertThat(identity.getData()).containsEntry("HAPPYPATH_DB_HOST", "pg.db.svc")
                .containsEntry("HAPPYPATH_DB_PORT", "5432").containsEntry("QUARKUS_FLYWAY_MIGRATE_AT_START", "false");
        assertThat(configMap(defaults, "happypath-identity-service").getData())
                .containsEntry("HAPPYPATH_REDIS_URL", "redis://happypath-redis-master:6379")
                .containsEntry("QUARKUS_FLYWAY_MIGRATE_AT_START", "true");
        assertThat(configMap(defaults, "happypath-analytics-service").getData())
                .doesNotContainKey("HAPPYPATH_REDIS_URL");
    }

    @Test
    void imagesFollowTheGlobalTagAndFlavor() {
        assertThat(images(render())).allMatch(i -> i.matches("ghcr\\.io/happypath/[a-z-]+:0\\.1\\.0"));
        assertThat(images(render("global.image.tag", "1.2.3", "global.image.flavor", "native")))
                .allMatch(i -> i.endsWith(":1.2.3-native"));
        assertThat(images(render("services.decision.image.repository", "registry.local/decide",
                "services.decision.image.tag", "dev"))).contains("registry.local/decide:dev");
    }

    @Test
    void kindInstallValuesUseTheLoadedImagesAndTheDependenciesOfTheCiCluster() throws IOException {
        var kind = renderWith(Manifests.CHART.resolve("ci/kind-values.yaml"));
        assertThat(images(kind)).hasSize(5).allMatch(i -> i.matches("happypath\\.local/[a-z-]+:ci"));
        assertThat(ofType(kind, Deployment.class)).allSatisfy(d -> assertThat(d.getSpec().getReplicas()).isOne());
        // The hosts the values name are the Services of helm/ci/dependencies.yaml.
        List<String> services = ofType(Manifests.parse(Files.readString(Path.of("ci/dependencies.yaml"))),
                Service.class).stream().map(
                        s -> s.getMetadata().getName() + "." + s.getMetadata().getNamespace()
                                + ".svc:" + s.getSpec().getPorts().get(0).getPort())
                .toList();
        ConfigMap identity = configMap(kind, "happypath-identity-service");
        assertThat(services).contains(
                identity.getData().get("HAPPYPATH_DB_HOST") + ":" + identity.getData().get("HAPPYPATH_DB_PORT"),
                identity.getData().get("HAPPYPATH_KAFKA_BOOTSTRAP_SERVERS"),
                identity.getData().get("HAPPYPATH_REDIS_URL").replace("redis://", ""));
    }

    @Test
    void podsRollOnConfigurationChangesButNotOnScaling() {
        String before = checksum(render(), "happypath-identity-service");
        assertThat(checksum(render("services.identity.replicaCount", 5), "happypath-identity-service"))
                .isEqualTo(before);
        assertThat(checksum(render("postgresql.host", "other-db"), "happypath-identity-service")).isNotEqualTo(before);
        assertThat(checksum(render("services.identity.config.quarkus\\.log\\.level", "DEBUG"),
                "happypath-identity-service")).isNotEqualTo(before);
    }

    private static String checksum(List<HasMetadata> objects, String deployment) {
        return ofType(objects, Deployment.class).stream().filter(d -> d.getMetadata().getName().equals(deployment))
                .findFirst().orElseThrow().getSpec().getTemplate().getMetadata().getAnnotations()
                .get("checksum/config");
    }

    private static List<String> images(List<HasMetadata> objects) {
        return ofType(objects, Deployment.class).stream()
                .map(d -> d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).toList();
    }

    static List<ConfigMap> dashboards(List<HasMetadata> objects) {
        return ofType(objects, ConfigMap.class).stream()
                .filter(cm -> cm.getMetadata().getLabels().containsKey("grafana_dashboard")).toList();
    }

    private static ConfigMap configMap(List<HasMetadata> objects, String name) {
        return ofType(objects, ConfigMap.class).stream().filter(c -> c.getMetadata().getName().equals(name))
                .findFirst().orElseThrow();
    }

    private static void assertStandardLabels(HasMetadata o) {
        assertThat(o.getMetadata().getLabels()).containsKeys("app.kubernetes.io/name", "app.kubernetes.io/instance",
                "app.kubernetes.io/version", "app.kubernetes.io/component", "app.kubernetes.io/part-of");
        assertThat(o.getMetadata().getLabels()).containsEntry("app.kubernetes.io/part-of", "happypath");
    }

    private static void assertStandardLabels(io.fabric8.kubernetes.api.model.PodTemplateSpec t) {
        assertThat(t.getMetadata().getLabels()).containsKeys("app.kubernetes.io/name", "app.kubernetes.io/instance",
                "app.kubernetes.io/version", "app.kubernetes.io/component", "app.kubernetes.io/part-of");
    }

    private static void assertSelector(Map<String, String> selector, HasMetadata owner) {
        assertThat(selector).as(owner.getKind() + " " + owner.getMetadata().getName())
                .containsOnlyKeys("app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/component");
    }

    private static void assertProbe(Probe probe, String path) {
        assertThat(probe).isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http");
    }
}
