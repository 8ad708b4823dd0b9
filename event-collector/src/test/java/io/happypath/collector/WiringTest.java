package io.happypath.collector;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import org.junit.jupiter.api.Test;

import io.happypath.devstack.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The service boots against the real broker, PostgreSQL and Redis, and its endpoints and channels are wired. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class WiringTest {

    @Test
    void readyWithEveryDependencyChecked() {
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("Kafka")))
                .body("checks.name", hasItem(containsString("Redis")));
    }

    @Test
    void servesMetricsAndOpenApi() {
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
        given().accept("application/json").when().get("/q/openapi").then().statusCode(200).body("openapi",
                org.hamcrest.Matchers.startsWith("3."));
    }
}
