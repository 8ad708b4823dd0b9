package io.happypath.identity;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.happypath.contracts.CloudEventTypes;
import io.happypath.contracts.Topics;
import io.happypath.devstack.JwtTestResource;
import io.happypath.devstack.KafkaBrokerResource;
import io.happypath.devstack.KafkaTestClient;
import io.happypath.devstack.PrometheusText;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The business metrics of OPERATIONS.md move with what the service does: a flow that creates, links, merges, undoes,
 * erases and dead-letters shows each on {@code /q/metrics}.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(JwtTestResource.class)
class IdentityMetricsTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String CREATED = "happypath_identity_profiles_created_total";
    static final String LINKS = "happypath_identity_links_total";
    static final String MERGES = "happypath_identity_merges_total";
    static final String UNDOS = "happypath_identity_undos_total";
    static final String ERASURES = "happypath_identity_erasures_total";
    static final String DLQ_MALFORMED = "happypath_identity_dlq_total{reason=\"malformed\"}";
    static final String DLQ_NO_IDENTIFIER = "happypath_identity_dlq_total{reason=\"no_identifier\"}";
    static final String RESOLVED = "happypath_identity_resolve_seconds_count";

    static KafkaTestClient kafka;
    final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void client() {
        kafka = new KafkaTestClient(KafkaBrokerResource.bootstrapServers());
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    static double value(String series) {
        return PrometheusText.value(scrape(), series);
    }

    void send(String type, String fields) {
        kafka.sendCloudEvent(Topics.RAW_EVENTS, "m-" + run, UUID.randomUUID().toString(), CloudEventTypes.ofSegmentType(type),
                "/test", "{\"type\":\"" + type + "\",\"messageId\":\"" + UUID.randomUUID() + "\",\"timestamp\":\""
                        + Instant.now() + "\"," + fields + "}");
    }

    static String owner(String type, String value) {
        Response r = given().auth().oauth2(JwtTestResource.token("admin")).get("/v1/identities/{t}/{v}", type, value);
        return r.statusCode() == 200 ? r.jsonPath().getString("profileId") : null;
    }

    @Test
    void everyBusinessMetricMovesWithTheFlow() {
        String scrape = scrape();
        Map<String, Double> before = new java.util.HashMap<>();
        for (String series : new String[]{CREATED, LINKS, MERGES, UNDOS, ERASURES, DLQ_MALFORMED, DLQ_NO_IDENTIFIER,
                RESOLVED}) {
            before.put(series, PrometheusText.value(scrape, series));
        }
        String a = "ma-" + run, b = "mb-" + run, user = "mu-" + run;

        send("identify", "\"anonymousId\":\"" + a + "\",\"traits\":{\"email\":\"" + run + "@x.test\"}");
        send("identify", "\"anonymousId\":\"" + b + "\",\"userId\":\"" + user + "\"");
        await().atMost(WAIT).until(() -> owner("anonymous_id", a) != null && owner("user_id", user) != null);
        String pa = owner("anonymous_id", a);
        send("track", "\"anonymousId\":\"" + a + "\",\"userId\":\"" + user + "\",\"event\":\"Login\"");
        await().atMost(WAIT).until(() -> pa.equals(owner("user_id", user)));

        String mergeId = given().auth().oauth2(JwtTestResource.token("admin")).get("/v1/profiles/{id}/links", pa).then()
                .statusCode(200).extract().jsonPath().getString("merges[0].mergeId");
        given().auth().oauth2(JwtTestResource.token("admin")).post("/v1/profiles/{p}/merges/{m}/undo", pa, mergeId).then()
                .statusCode(200);
        given().auth().oauth2(JwtTestResource.token("admin")).delete("/v1/profiles/{id}", pa).then().statusCode(202);

        kafka.sendCloudEvent(Topics.RAW_EVENTS, "m-" + run, UUID.randomUUID().toString(), CloudEventTypes.TRACK, "/test",
                "{broken");
        send("track", "\"anonymousId\":\"undefined\",\"event\":\"x\"");

        await().atMost(WAIT).untilAsserted(() -> {
            String now = scrape();
            assertThat(delta(now, before, CREATED)).as("profiles created").isGreaterThanOrEqualTo(2);
            assertThat(delta(now, before, LINKS)).as("identifiers linked").isGreaterThanOrEqualTo(4);
            assertThat(delta(now, before, MERGES)).as("merges").isGreaterThanOrEqualTo(1);
            assertThat(delta(now, before, UNDOS)).as("undos").isGreaterThanOrEqualTo(1);
            assertThat(delta(now, before, ERASURES)).as("erasures").isGreaterThanOrEqualTo(1);
            assertThat(delta(now, before, DLQ_MALFORMED)).as("dead-lettered, malformed").isGreaterThanOrEqualTo(1);
            assertThat(delta(now, before, DLQ_NO_IDENTIFIER)).as("dead-lettered, no identifier").isGreaterThanOrEqualTo(1);
            assertThat(delta(now, before, RESOLVED)).as("resolutions timed").isGreaterThanOrEqualTo(3);
        });
        assertThat(scrape()).contains("happypath_identity_resolve_seconds_bucket");
    }

    static double delta(String scrape, Map<String, Double> before, String series) {
        return PrometheusText.value(scrape, series) - before.get(series);
    }
}
