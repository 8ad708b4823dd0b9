package io.happypath.analytics;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.happypath.contracts.CloudEventTypes;
import io.happypath.contracts.Topics;
import io.happypath.devstack.JwtTestResource;
import io.happypath.devstack.KafkaBrokerResource;
import io.happypath.devstack.KafkaTestClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

/** Bad input gets precise 400s, unknown ids 404, missing or wrong tokens 401/403; unreadable records are dead-lettered. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(JwtTestResource.class)
class ApiErrorsTest {

    static RequestSpecification analyst() {
        return given().auth().oauth2(JwtTestResource.token("analyst"));
    }

    @Test
    void stepsOutside2To10() {
        for (String steps : List.of("1", "11", "0", "-3", "five", "2.5")) {
            analyst().queryParam("steps", steps).get("/v1/paths").then().statusCode(400)
                    .body("error", equalTo("invalid_parameter")).body("details[0].parameter", equalTo("steps"))
                    .body("message", containsString("steps"));
        }
        analyst().queryParam("steps", "2").get("/v1/paths").then().statusCode(200);
        analyst().queryParam("steps", "10").get("/v1/paths").then().statusCode(200);
    }

    @Test
    void topOutside1To50() {
        for (String top : List.of("0", "51", "x")) {
            analyst().queryParam("top", top).get("/v1/paths").then().statusCode(400)
                    .body("error", equalTo("invalid_parameter")).body("details[0].parameter", equalTo("top"));
        }
        analyst().queryParam("top", "1").get("/v1/paths").then().statusCode(200);
        analyst().queryParam("top", "50").get("/v1/paths").then().statusCode(200);
    }

    @Test
    void unknownLabel() {
        analyst().queryParam("label", "page").get("/v1/paths").then().statusCode(400)
                .body("error", equalTo("invalid_parameter")).body("details[0].parameter", equalTo("label"))
                .body("message", containsString("channel|event|channel_event"));
    }

    @Test
    void malformedDatesOnEveryEndpoint() {
        for (String path : List.of("/v1/paths", "/v1/journeys/any/funnel", "/v1/journeys/any/channels",
                "/v1/actions/performance")) {
            analyst().queryParam("from", "last tuesday").get(path).then().statusCode(400)
                    .body("error", equalTo("invalid_parameter")).body("details[0].parameter", equalTo("from"));
            analyst().queryParam("to", "2026-02-30").get(path).then().statusCode(400)
                    .body("error", equalTo("invalid_parameter")).body("details[0].parameter", equalTo("to"));
            analyst().queryParam("from", "2026-11-02").queryParam("to", "2026-11-01T00:00:00Z").get(path).then()
                    .statusCode(400).body("error", equalTo("invalid_range")).body("message", containsString("after"));
        }
    }

    @Test
    void badWindowAndAllocation() {
        analyst().queryParam("window", "7 days").get("/v1/journeys/any/channels").then().statusCode(400)
                .body("details[0].parameter", equalTo("window"));
        analyst().queryParam("allocation", "control:50,treatment").get("/v1/experiments/any").then().statusCode(400)
                .body("error", equalTo("invalid_parameter")).body("message", containsString("allocation"));
        analyst().queryParam("allocation", "control:-1").get("/v1/experiments/any").then().statusCode(400);
    }

    @Test
    void unknownJourneyAndExperiment() {
        String id = "no-such-" + UUID.randomUUID();
        analyst().get("/v1/journeys/{id}/funnel", id).then().statusCode(404).body("error", equalTo("not_found"))
                .body("message", containsString(id));
        analyst().get("/v1/journeys/{id}/channels", id).then().statusCode(404).body("error", equalTo("not_found"));
        analyst().queryParam("journey", id).get("/v1/paths").then().statusCode(404).body("error", equalTo("not_found"));
        analyst().get("/v1/experiments/{id}", id).then().statusCode(404).body("error", equalTo("not_found"));
    }

    @Test
    void tokensAndRoles() {
        given().get("/v1/paths").then().statusCode(401).body("error", equalTo("unauthorized"));
        given().auth().oauth2("not-a-jwt").get("/v1/paths").then().statusCode(401).body("error", equalTo("invalid_token"));
        given().auth().oauth2(JwtTestResource.token("decision-client")).get("/v1/paths").then().statusCode(403)
                .body("error", equalTo("forbidden"));
        given().auth().oauth2(JwtTestResource.token("admin")).get("/v1/paths").then().statusCode(200);
    }

    @Test
    void unreadableRecordsGoToTheDeadLetterTopicWithTheReason() {
        String id = UUID.randomUUID().toString();
        try (KafkaTestClient kafka = new KafkaTestClient(KafkaBrokerResource.bootstrapServers())) {
            kafka.sendCloudEvent(Topics.EVENTS, "p-" + id, id, CloudEventTypes.TRACK, "/test", "{not json");
            List<ConsumerRecord<String, String>> dead = kafka.read(Topics.dlq(Topics.EVENTS),
                    r -> id.equals(KafkaTestClient.header(r, "ce_id")), 1, Duration.ofSeconds(60));
            assertEquals("{not json", dead.get(0).value());
            String reason = KafkaTestClient.header(dead.get(0), "dead-letter-reason");
            org.junit.jupiter.api.Assertions.assertNotNull(reason);

            String id2 = UUID.randomUUID().toString();
            kafka.sendCloudEvent(Topics.JOURNEY, "p-" + id2, id2, CloudEventTypes.STAGE_ENTERED, "/test",
                    "{\"journeyId\":\"j\",\"stage\":\"s\",\"onHappyPath\":true,\"at\":\"2026-11-01T00:00:00Z\"}");
            List<ConsumerRecord<String, String>> dead2 = kafka.read(Topics.dlq(Topics.JOURNEY),
                    r -> id2.equals(KafkaTestClient.header(r, "ce_id")), 1, Duration.ofSeconds(60));
            org.hamcrest.MatcherAssert.assertThat(KafkaTestClient.header(dead2.get(0), "dead-letter-reason"),
                    containsString("profileId"));

            // A path step from before 1970 has no monthly partition to go to.
            String id3 = UUID.randomUUID().toString();
            kafka.sendCloudEvent(Topics.EVENTS, "p-" + id3, id3, CloudEventTypes.TRACK, "/test",
                    "{\"type\":\"track\",\"event\":\"Old\",\"profileId\":\"p-" + id3
                            + "\",\"timestamp\":\"1900-01-01T00:00:00Z\"}");
            List<ConsumerRecord<String, String>> dead3 = kafka.read(Topics.dlq(Topics.EVENTS),
                    r -> id3.equals(KafkaTestClient.header(r, "ce_id")), 1, Duration.ofSeconds(60));
            org.hamcrest.MatcherAssert.assertThat(KafkaTestClient.header(dead3.get(0), "dead-letter-reason"),
                    containsString("outside"));
        }
    }
}
