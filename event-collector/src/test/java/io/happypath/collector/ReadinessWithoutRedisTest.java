package io.happypath.collector;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.happypath.devstack.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** Readiness must tell the truth: with Redis unreachable the service is not ready. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@TestProfile(ReadinessWithoutRedisTest.UnreachableRedis.class)
class ReadinessWithoutRedisTest {

    public static class UnreachableRedis implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.redis.hosts", "redis://127.0.0.1:1");
        }
    }

    @Test
    void readinessIsDownAndNamesTheCheck() {
        given().when().get("/q/health/ready")
                .then().statusCode(503)
                .body("status", org.hamcrest.Matchers.equalTo("DOWN"))
                .body("checks.findAll { it.status == 'DOWN' }.name", hasItem(org.hamcrest.Matchers.containsString("Redis")));
    }

    @Test
    void livenessStaysUp() {
        given().when().get("/q/health/live").then().statusCode(200);
    }
}
