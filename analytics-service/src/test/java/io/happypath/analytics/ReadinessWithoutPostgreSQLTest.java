package io.happypath.analytics;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.happypath.devstack.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** Readiness must tell the truth: with PostgreSQL unreachable the service is not ready. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@TestProfile(ReadinessWithoutPostgreSQLTest.UnreachablePostgreSQL.class)
class ReadinessWithoutPostgreSQLTest {

    public static class UnreachablePostgreSQL implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.datasource.reactive.url", "postgresql://127.0.0.1:1/test",
                    "quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:1/test",
                    "quarkus.flyway.migrate-at-start", "false");
        }
    }

    @Test
    void readinessIsDownAndNamesTheCheck() {
        given().when().get("/q/health/ready")
                .then().statusCode(503)
                .body("status", org.hamcrest.Matchers.equalTo("DOWN"))
                .body("checks.findAll { it.status == 'DOWN' }.name",
                        hasItem(org.hamcrest.Matchers.containsString("PostgreSQL")));
    }

    @Test
    void livenessStaysUp() {
        given().when().get("/q/health/live").then().statusCode(200);
    }
}
