package io.happypath.collector;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.happypath.devstack.KafkaBrokerResource;
import io.happypath.devstack.PrometheusText;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * Load shedding before parsing: with one request in progress and room for one, the next ingestion request is answered
 * 503 with Retry-After unread (a malformed body is not even noticed); health stays reachable; once the request in
 * progress ends, requests are served again.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@TestProfile(AdmissionGateTest.OneAtATime.class)
class AdmissionGateTest {

    public static class OneAtATime implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("happypath.collector.publish.max-requests-in-progress", "1",
                    "happypath.collector.publish.retry-after", "2s");
        }
    }

    private static final String AUTH = "Basic " + Base64.getEncoder().encodeToString("local-web:".getBytes(
            StandardCharsets.UTF_8));

    @TestHTTPResource("/")
    URL root;

    @Test
    void aRequestOverTheLimitIsShedUnreadAndServiceResumesWhenTheOneInProgressEnds() throws Exception {
        try (Socket slow = new Socket(root.getHost(), root.getPort())) {
            // Admitted, then stuck: the body is announced but only its start is sent.
            OutputStream out = slow.getOutputStream();
            out.write(("POST /v1/batch HTTP/1.1\r\nHost: " + root.getHost() + "\r\nAuthorization: " + AUTH
                    + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"batch\": [")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Response shed = given().header("Authorization", AUTH).contentType("application/json")
                        .body("{this is not JSON").post("/v1/track");
                assertThat(shed.statusCode()).as(shed.asString()).isEqualTo(503);
                assertThat(shed.header("Retry-After")).isEqualTo("2");
                assertThat(shed.jsonPath().getString("error")).isEqualTo("overloaded");
            });
            given().get("/q/health/live").then().statusCode(200);
        }

        // The stuck request ended with its connection: the next one is read, parsed and stored.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().header("Authorization", AUTH)
                .contentType("application/json").body("{\"type\": \"track\", \"event\": \"Gate Passed\", \"userId\": \"u1\"}")
                .post("/v1/track").then().statusCode(200).body("success", equalTo(true)));
        given().header("Authorization", AUTH).contentType("application/json").body("{this is not JSON")
                .post("/v1/track").then().statusCode(400);
        assertThat(PrometheusText.sum(given().get("/q/metrics").asString(), "happypath_collector_requests_shed_total"))
                .isGreaterThanOrEqualTo(1);
    }
}
