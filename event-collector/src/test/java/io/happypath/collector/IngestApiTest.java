package io.happypath.collector;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.happypath.contracts.Json;
import io.happypath.contracts.Topics;
import io.happypath.devstack.KafkaBrokerResource;
import io.happypath.devstack.KafkaTestClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

/** The Segment-compatible HTTP API against the real broker and Redis: every path, encoding, limit and error. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class IngestApiTest {

    private static final ObjectMapper JSON = Json.newMapper();
    private static KafkaTestClient kafka;

    @BeforeAll
    static void kafka() {
        kafka = new KafkaTestClient(KafkaBrokerResource.bootstrapServers());
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    private static RequestSpecification web() {
        return given().auth().preemptive().basic("local-web", "").contentType("application/json");
    }

    private static String uid() {
        return UUID.randomUUID().toString();
    }

    private static List<ConsumerRecord<String, String>> published(String marker, int count) {
        return kafka.read(Topics.RAW_EVENTS, r -> r.value().contains(marker), count, Duration.ofSeconds(60));
    }

    private static JsonNode json(ConsumerRecord<String, String> r) {
        try {
            return JSON.readTree(r.value());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void everySinglePathAndShortPathWithAndWithoutTrailingSlashPublishes() {
        String run = uid();
        Map<String, String> bodies = Map.of(
                "track", "{\"event\":\"Order Completed\"", "t", "{\"event\":\"Order Completed\"",
                "identify", "{\"traits\":{\"plan\":\"pro\"}", "i", "{\"traits\":{}",
                "page", "{\"name\":\"Home\"", "p", "{\"name\":\"Home\"",
                "screen", "{\"name\":\"Main\"", "s", "{\"name\":\"Main\"",
                "group", "{\"groupId\":\"g1\"", "g", "{\"groupId\":\"g1\"");
        int n = 0;
        for (var e : bodies.entrySet()) {
            for (String slash : List.of("", "/")) {
                web().body(e.getValue() + ",\"anonymousId\":\"" + run + "\",\"messageId\":\"" + uid() + "\"}")
                        .post("/v1/" + e.getKey() + slash).then().statusCode(200).body("success", equalTo(true));
                n++;
            }
        }
        for (String path : List.of("/v1/alias", "/v1/a/")) {
            web().body("{\"userId\":\"" + run + "\",\"previousId\":\"p\"}").post(path).then().statusCode(200);
            n++;
        }
        List<ConsumerRecord<String, String>> records = published(run, n);
        assertThat(records).allSatisfy(r -> {
            assertThat(r.key()).isEqualTo(run);
            Map<String, String> ce = KafkaTestClient.cloudEventAttributes(r);
            assertThat(ce).containsEntry("source", "web").containsEntry("specversion", "1.0");
            assertThat(ce.get("type")).isEqualTo("io.happypath.event." + json(r).get("type").asText());
            assertThat(ce.get("id")).isEqualTo(json(r).get("messageId").asText());
        });
        assertThat(records.stream().map(r -> json(r).get("type").asText()).distinct())
                .containsExactlyInAnyOrder("track", "identify", "page", "screen", "group", "alias");
    }

    @Test
    void trackIsPublishedWithKeyHeadersCorrectedTimestampsAndUnknownFieldsKept() {
        String anon = uid();
        String messageId = uid();
        // The client's clock is a day fast; it sent the event 5 s after it happened.
        Instant clientTs = Instant.now().plus(Duration.ofDays(1));
        Instant before = Instant.now();
        web().body("{\"event\":\"Product Viewed\",\"anonymousId\":\"" + anon + "\",\"userId\":\"u-" + anon
                + "\",\"messageId\":\"" + messageId + "\",\"timestamp\":\"" + clientTs + "\",\"sentAt\":\""
                + clientTs.plusSeconds(5) + "\",\"properties\":{\"sku\":\"p-1\"},\"myField\":{\"keep\":true}}")
                .post("/v1/track").then().statusCode(200).body("success", equalTo(true)).body("accepted", equalTo(1));
        ConsumerRecord<String, String> r = published(messageId, 1).get(0);
        assertThat(r.key()).isEqualTo(anon);
        assertThat(KafkaTestClient.cloudEventAttributes(r)).containsEntry("id", messageId)
                .containsEntry("type", "io.happypath.event.track").containsEntry("source", "web");
        JsonNode m = json(r);
        Instant receivedAt = Instant.parse(m.get("receivedAt").asText());
        assertThat(receivedAt).isAfterOrEqualTo(before.minusSeconds(1));
        assertThat(Instant.parse(m.get("timestamp").asText())).isEqualTo(receivedAt.minusSeconds(5));
        assertThat(Instant.parse(m.get("originalTimestamp").asText())).isEqualTo(clientTs);
        assertThat(m.get("myField").get("keep").asBoolean()).isTrue();
        assertThat(m.get("source").asText()).isEqualTo("web");
        assertThat(m.get("properties").get("sku").asText()).isEqualTo("p-1");
    }

    @Test
    void keyIsUserIdWithoutAnonymousIdAndMessageIdIsGeneratedWhenMissing() {
        String user = uid();
        web().body("{\"userId\":\"" + user + "\",\"traits\":{\"email\":\"a@b.c\"}}").post("/v1/identify").then()
                .statusCode(200);
        ConsumerRecord<String, String> r = published(user, 1).get(0);
        assertThat(r.key()).isEqualTo(user);
        String id = json(r).get("messageId").asText();
        assertThat(id).isNotBlank();
        assertThat(KafkaTestClient.cloudEventAttributes(r)).containsEntry("id", id);
    }

    @Test
    void batchImportAndBPathsMergeBatchContextAndAcceptWriteKeyInBody() {
        String run = uid();
        for (String path : List.of("/v1/batch", "/v1/import/", "/v1/b")) {
            given().contentType("application/json").body("{\"writeKey\":\"local-store\",\"context\":{\"campaign\":\"" + run
                    + "\"},\"batch\":[{\"type\":\"track\",\"event\":\"E\",\"userId\":\"" + run + "\"},"
                    + "{\"type\":\"page\",\"userId\":\"" + run + "\",\"context\":{\"channel\":\"web\"}}]}")
                    .post(path).then().statusCode(200).body("success", equalTo(true)).body("accepted", equalTo(2));
        }
        List<ConsumerRecord<String, String>> records = published(run, 6);
        assertThat(records).allSatisfy(r -> {
            assertThat(KafkaTestClient.cloudEventAttributes(r)).containsEntry("source", "store");
            assertThat(json(r).get("context").get("campaign").asText()).isEqualTo(run);
            assertThat(r.value()).doesNotContain("local-store");
        });
        assertThat(records.stream().filter(r -> json(r).get("type").asText().equals("page"))
                .map(r -> json(r).get("context").get("channel").asText())).containsOnly("web");
    }

    @Test
    void batchAcceptsValidMessagesAndReportsEachRejectedOne() {
        String run = uid();
        web().body("{\"batch\":[{\"type\":\"track\",\"userId\":\"" + run + "\",\"event\":\"ok\"},"
                + "{\"type\":\"track\",\"userId\":\"u\"},"
                + "{\"type\":\"identify\"},"
                + "{\"type\":\"page\",\"userId\":\"u\",\"properties\":[1]},"
                + "{\"type\":\"purchase\",\"userId\":\"u\"},"
                + "7]}")
                .post("/v1/batch").then().statusCode(200)
                .body("success", equalTo(true)).body("accepted", equalTo(1))
                .body("rejected", hasSize(5))
                .body("rejected[0].index", equalTo(1)).body("rejected[0].error", equalTo("missing_event"))
                .body("rejected[1].index", equalTo(2)).body("rejected[1].error", equalTo("missing_identifier"))
                .body("rejected[2].error", equalTo("invalid_field"))
                .body("rejected[2].message", containsString("properties"))
                .body("rejected[3].error", equalTo("invalid_type"))
                .body("rejected[4].error", equalTo("invalid_message"));
        assertThat(published(run, 1)).hasSize(1);
    }

    @Test
    void badInputGetsItsPreciseStatusAndCode() {
        web().body("{\"event\":").post("/v1/track").then().statusCode(400).body("error", equalTo("malformed_json"));
        web().body("[]").post("/v1/track").then().statusCode(400).body("error", equalTo("malformed_json"));
        web().body("").post("/v1/track").then().statusCode(400).body("error", equalTo("malformed_json"));
        web().body("{\"userId\":\"u\"}").post("/v1/track").then().statusCode(400).body("error", equalTo("missing_event"))
                .body("details[0].index", equalTo(0));
        web().body("{\"event\":\"E\"}").post("/v1/track").then().statusCode(400)
                .body("error", equalTo("missing_identifier"));
        web().body("{\"event\":\"E\",\"userId\":\"u\",\"context\":\"web\"}").post("/v1/track").then().statusCode(400)
                .body("error", equalTo("invalid_field")).body("message", containsString("context"));
        web().body("{\"batch\":[{\"type\":\"track\"},{\"type\":\"alias\",\"userId\":\"u\"}]}").post("/v1/batch").then()
                .statusCode(400).body("error", equalTo("invalid_batch")).body("details", hasSize(2))
                .body("details[1].error", equalTo("missing_previous_id"));
        web().body("{\"batch\":\"no\"}").post("/v1/batch").then().statusCode(400).body("error", equalTo("invalid_field"));
        web().body("{\"batch\":[]}").post("/v1/batch").then().statusCode(400).body("error", equalTo("empty_batch"));
        web().body("{}").post("/v1/purchase").then().statusCode(404).body("error", equalTo("not_found"));
        given().auth().preemptive().basic("local-web", "").contentType("application/xml").body("<a/>").post("/v1/track")
                .then().statusCode(415).body("error", equalTo("unsupported_media_type"));
    }

    @Test
    void authWithColonWithoutColonInBodyAndRefusals() {
        String run = uid();
        String body = "{\"event\":\"E\",\"userId\":\"" + run + "\"}";
        given().header("Authorization", basic("local-app:")).contentType("application/json").body(body).post("/v1/track")
                .then().statusCode(200);
        given().header("Authorization", basic("local-app")).contentType("application/json").body(body).post("/v1/track")
                .then().statusCode(200);
        given().contentType("application/json").body("{\"event\":\"E\",\"userId\":\"" + run + "\",\"writeKey\":\"local-app\"}")
                .post("/v1/track").then().statusCode(200);
        assertThat(published(run, 3)).allSatisfy(r -> {
            assertThat(KafkaTestClient.cloudEventAttributes(r)).containsEntry("source", "app");
            assertThat(r.value()).doesNotContain("writeKey");
        });
        given().contentType("application/json").body(body).post("/v1/track").then().statusCode(401)
                .body("error", equalTo("missing_write_key"));
        given().header("Authorization", basic("nope:")).contentType("application/json").body(body).post("/v1/track")
                .then().statusCode(401).body("error", equalTo("invalid_write_key"));
        given().contentType("application/json").body("{\"batch\":[],\"writeKey\":\"nope\"}").post("/v1/batch").then()
                .statusCode(401).body("error", equalTo("invalid_write_key"));
        given().header("Authorization", "Basic %%%").contentType("application/json").body(body).post("/v1/track").then()
                .statusCode(401).body("error", equalTo("invalid_write_key"));
    }

    @Test
    void textPlainAndGzipBodiesAreJson() throws IOException {
        String run = uid();
        given().auth().preemptive().basic("local-web", "").contentType("text/plain;charset=UTF-8")
                .body("{\"event\":\"E\",\"anonymousId\":\"" + run + "\"}").post("/v1/t").then().statusCode(200);
        byte[] gz = gzip(("{\"batch\":[{\"type\":\"track\",\"event\":\"E\",\"anonymousId\":\"" + run + "\"}]}")
                .getBytes(StandardCharsets.UTF_8));
        web().header("Content-Encoding", "gzip").body(gz).post("/v1/batch").then().statusCode(200);
        assertThat(published(run, 2)).hasSize(2);
        web().header("Content-Encoding", "gzip").body("{\"not\":\"gzip\"}").post("/v1/batch").then().statusCode(400)
                .body("error", equalTo("invalid_gzip"));
        web().header("Content-Encoding", "br").body("{}").post("/v1/batch").then().statusCode(415)
                .body("error", equalTo("unsupported_encoding"));
    }

    @Test
    void sizeLimitsApplyAfterDecompression() throws IOException {
        // 600 KB of JSON that gzips to a few KB: refused for what it expands to.
        String big = "{\"batch\":[{\"type\":\"track\",\"event\":\"E\",\"userId\":\"u\",\"properties\":{\"p\":\""
                + "x".repeat(600_000) + "\"}}]}";
        byte[] gz = gzip(big.getBytes(StandardCharsets.UTF_8));
        assertThat(gz.length).isLessThan(10_000);
        web().header("Content-Encoding", "gzip").body(gz).post("/v1/batch").then().statusCode(413)
                .body("error", equalTo("request_too_large"));
        web().body(big).post("/v1/batch").then().statusCode(413).body("error", equalTo("request_too_large"));
        String message = "{\"event\":\"E\",\"userId\":\"u\",\"properties\":{\"p\":\"" + "x".repeat(40_000) + "\"}}";
        web().body(message).post("/v1/track").then().statusCode(413).body("error", equalTo("message_too_large"));
        String run = uid();
        web().body("{\"batch\":[" + message.replace("{\"event\"", "{\"type\":\"track\",\"event\"")
                + ",{\"type\":\"track\",\"event\":\"E\",\"userId\":\"" + run + "\"}]}").post("/v1/batch").then()
                .statusCode(200).body("accepted", equalTo(1)).body("rejected[0].error", equalTo("message_too_large"));
        StringBuilder many = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < 2501; i++) {
            many.append(i == 0 ? "" : ",").append("{}");
        }
        web().body(many.append("]}").toString()).post("/v1/batch").then().statusCode(413)
                .body("error", equalTo("batch_too_large"));
    }

    @Test
    void corsPreflightPassesForAnalyticsJs() {
        given().header("Origin", "https://shop.example.com").header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .options("/v1/t").then().statusCode(200)
                .header("Access-Control-Allow-Origin", "https://shop.example.com")
                .header("Access-Control-Allow-Methods", containsString("POST"))
                .header("Access-Control-Allow-Headers", containsString("Authorization"));
        web().header("Origin", "https://shop.example.com").body("{\"event\":\"E\",\"anonymousId\":\"" + uid() + "\"}")
                .post("/v1/t").then().statusCode(200).header("Access-Control-Allow-Origin", "https://shop.example.com");
    }

    @Test
    void sameBatchTwicePublishesOnceAndDuplicatesInsideABatchToo() {
        String run = uid();
        String body = "{\"batch\":[{\"type\":\"track\",\"event\":\"E\",\"userId\":\"" + run + "\",\"messageId\":\"" + run
                + "-1\"},{\"type\":\"track\",\"event\":\"E\",\"userId\":\"" + run + "\",\"messageId\":\"" + run
                + "-2\"},{\"type\":\"track\",\"event\":\"E\",\"userId\":\"" + run + "\",\"messageId\":\"" + run + "-2\"}]}";
        web().body(body).post("/v1/batch").then().statusCode(200).body("accepted", equalTo(3))
                .body("deduplicated", equalTo(1));
        web().body(body).post("/v1/batch").then().statusCode(200).body("accepted", equalTo(3))
                .body("deduplicated", equalTo(3));
        // Another source may reuse a messageId: dedup is per source.
        given().auth().preemptive().basic("local-email", "").contentType("application/json").body(body)
                .post("/v1/batch").then().statusCode(200).body("deduplicated", equalTo(1));
        // A later, unrelated record proves the topic was read past the duplicates.
        String fence = uid();
        web().body("{\"event\":\"E\",\"userId\":\"" + run + "\",\"messageId\":\"" + fence + "\"}").post("/v1/track").then()
                .statusCode(200);
        List<ConsumerRecord<String, String>> records = kafka.read(Topics.RAW_EVENTS, r -> r.value().contains(run), 5,
                Duration.ofSeconds(60));
        assertThat(records.stream().map(r -> KafkaTestClient.cloudEventAttributes(r).get("source") + "/"
                + KafkaTestClient.cloudEventAttributes(r).get("id")))
                .containsExactlyInAnyOrder("web/" + run + "-1", "web/" + run + "-2", "email/" + run + "-1",
                        "email/" + run + "-2", "web/" + fence);
    }

    @Test
    void overTheSourceRateIs429WithRetryAfter() {
        String body = "{\"batch\":[{\"type\":\"track\",\"event\":\"E\",\"userId\":\"" + uid() + "\"},"
                + "{\"type\":\"track\",\"event\":\"E\",\"userId\":\"" + uid() + "\"}]}";
        RequestSpecification throttled = given().auth().preemptive().basic("test-throttled", "")
                .contentType("application/json");
        // The source allows 2 events/s: one full bucket, then refusals until it refills.
        throttled.body(body).post("/v1/batch").then().statusCode(200);
        given().auth().preemptive().basic("test-throttled", "").contentType("application/json").body(body)
                .post("/v1/batch").then().statusCode(429).body("error", equalTo("rate_limited"))
                .header("Retry-After", notNullValue());
    }

    @Test
    void configuredChannelAndMetrics() {
        String run = uid();
        given().auth().preemptive().basic("test-kiosk", "").contentType("application/json")
                .body("{\"event\":\"E\",\"userId\":\"" + run + "\"}").post("/v1/track").then().statusCode(200);
        ConsumerRecord<String, String> r = published(run, 1).get(0);
        assertThat(json(r).get("source").asText()).isEqualTo("kiosk");
        assertThat(json(r).get("context").get("channel").asText()).isEqualTo("store");
        web().body("{\"event\":\"E\",\"userId\":\"u\",\"context\":{\"channel\":\"" + run + "\"}}").post("/v1/track").then()
                .statusCode(200);
        given().contentType("application/json").body("{\"event\":\"E\",\"userId\":\"u\"}").post("/v1/track").then()
                .statusCode(401);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("happypath_collector_events_accepted_total{channel=\"store\",source=\"kiosk\"}"))
                .body(containsString("happypath_collector_events_accepted_total{channel=\"other\",source=\"web\"}"))
                .body(containsString("happypath_collector_events_rejected_total{reason=\"missing_write_key\""))
                .body(containsString("happypath_collector_publish_latency_seconds_count{source=\"kiosk\"}"))
                .body(containsString("happypath_collector_request_size_bytes_count{kind=\"single\"}"));
    }

    static String basic(String userPass) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }
}
