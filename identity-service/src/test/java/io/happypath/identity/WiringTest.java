package io.happypath.identity;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.happypath.contracts.CloudEventTypes;
import io.happypath.contracts.Topics;
import io.happypath.devstack.KafkaBrokerResource;
import io.happypath.devstack.KafkaTestClient;
import io.happypath.devstack.PrometheusText;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The service boots against the real broker, PostgreSQL and Redis, and its endpoints and channels are wired. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(io.happypath.devstack.JwtTestResource.class)
class WiringTest {

    @Test
    void readyWithEveryDependencyChecked() {
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("Kafka")))
                .body("checks.name", hasItem(containsString("Redis")))
                .body("checks.name", hasItem(containsString("PostgreSQL")));
    }

    @Test
    void servesMetricsAndOpenApi() {
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
        given().accept("application/json").when().get("/q/openapi").then().statusCode(200).body("openapi",
                org.hamcrest.Matchers.startsWith("3."));
    }

    @Test
    void consumesItsInputTopic() {
        String metric = "happypath_identity_events_consumed_total{topic=\"hp.events.raw.v1\",type=\"io.happypath.event.track\"}";
        double before = metricValue(metric);
        try (KafkaTestClient kafka = new KafkaTestClient(KafkaBrokerResource.bootstrapServers())) {
            kafka.sendCloudEvent(Topics.RAW_EVENTS, "profile-" + UUID.randomUUID(), UUID.randomUUID().toString(),
                    CloudEventTypes.TRACK, "/test", "{}");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> metricValue(metric) >= before + 1);
    }

    private static double metricValue(String series) {
        return PrometheusText.value(given().when().get("/q/metrics").then().statusCode(200).extract().asString(), series);
    }
}
