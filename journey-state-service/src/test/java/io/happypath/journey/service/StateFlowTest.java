package io.happypath.journey.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.happypath.contracts.CloudEventTypes;
import io.happypath.contracts.Topics;
import io.happypath.devstack.JwtTestResource;
import io.happypath.devstack.KafkaBrokerResource;
import io.happypath.devstack.KafkaTestClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

/** Events, identity events and timers end to end: real broker, Redis and PostgreSQL. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(JwtTestResource.class)
class StateFlowTest {

    static final Duration WAIT = Duration.ofSeconds(45);
    static KafkaTestClient kafka;

    @Inject
    Timers timers;

    @BeforeAll
    static void connect() {
        kafka = new KafkaTestClient(KafkaBrokerResource.bootstrapServers());
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    static RequestSpecification as(String role) {
        return given().auth().oauth2(JwtTestResource.token(role)).contentType("application/json");
    }

    static String send(String profileId, String event, String channel, Instant at, String properties) {
        String id = UUID.randomUUID().toString();
        send(profileId, id, event, channel, at, properties);
        return id;
    }

    static void send(String profileId, String ceId, String event, String channel, Instant at, String properties) {
        String json = """
                {"type": "track", "messageId": "%s", "event": "%s", "properties": %s, "timestamp": "%s",
                 "profileId": "%s", "source": "%s", "userId": "u-%s"}
                """.formatted(ceId, event, properties, at, profileId, channel, profileId);
        kafka.sendCloudEvent(Topics.EVENTS, profileId, ceId, CloudEventTypes.TRACK, "/test/" + channel, json);
    }

    static JsonPath state(String profileId) {
        return as("analyst").get("/v1/profiles/" + profileId + "/state").then().statusCode(200).extract().jsonPath();
    }

    static void awaitState(String profileId, java.util.function.Predicate<JsonPath> condition) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            var r = as("analyst").get("/v1/profiles/" + profileId + "/state");
            return r.statusCode() == 200 && condition.test(r.jsonPath());
        });
    }

    static List<ConsumerRecord<String, String>> journeyEvents(String profileId, String type, int count) {
        return kafka.read(Topics.JOURNEY, r -> profileId.equals(r.key()) && type.equals(KafkaTestClient.header(r, "ce_type")),
                count, WAIT);
    }

    @Test
    void thePhoneStory() {
        String p = "p-" + UUID.randomUUID();
        // Recent: the state endpoint decays emotion to now.
        Instant t0 = Instant.now().minusSeconds(1800);
        send(p, "Order Completed", "store", t0, "{\"category\": \"phone\"}");
        send(p, "Activation Started", "app", t0.plusSeconds(600), "{}");
        send(p, "Support Ticket Opened", "callcenter", t0.plusSeconds(1200), "{\"sentiment\": \"negative\"}");
        awaitState(p, s -> s.get("signals.openServiceIssue") != null);

        JsonPath s = state(p);
        assertThat(s.getString("profileId")).isEqualTo(p);
        assertThat(s.getString("journeys.phone-onboarding.stage")).isEqualTo("activating");
        assertThat(s.getString("journeys.phone-onboarding.status")).isEqualTo("active");
        assertThat(s.getBoolean("journeys.phone-onboarding.onHappyPath")).isTrue();
        assertThat(s.getList("journeys.phone-onboarding.history.stage")).containsExactly("purchased", "activating");
        assertThat(s.getList("journeys.phone-onboarding.history.channel")).containsExactly("store", "app");
        assertThat(s.getString("journeys.phone-onboarding.enteredAt")).isEqualTo(t0.plusSeconds(600).toString());
        assertThat(s.getDouble("emotion.frustration")).isGreaterThan(0.0);
        assertThat(s.getString("lastTouchpoints[0].channel")).isEqualTo("callcenter");
        assertThat(s.getString("lastTouchpoints[0].event")).isEqualTo("Support Ticket Opened");
        assertThat(s.getString("updatedAt")).isNotNull();

        var entered = journeyEvents(p, CloudEventTypes.STAGE_ENTERED, 2);
        assertThat(entered).extracting(ConsumerRecord::value).anyMatch(v -> v.contains("\"stage\":\"activating\"")
                && v.contains("\"previousStage\":\"purchased\"") && v.contains("\"channel\":\"app\""));
        var signal = journeyEvents(p, CloudEventTypes.SIGNAL_CHANGED, 1);
        assertThat(signal.get(0).value()).contains("openServiceIssue").contains("\"open\":true");
        assertThat(KafkaTestClient.header(signal.get(0), "ce_source")).isEqualTo("/happypath/journey-state-service");
    }

    @Test
    void redeliveredAndLateEventsLeaveTheStateUnchanged() {
        String p = "p-" + UUID.randomUUID();
        Instant t0 = Instant.parse("2026-03-02T10:00:00Z");
        String first = send(p, "Order Completed", "store", t0, "{\"category\": \"phone\"}");
        send(p, "Activation Started", "app", t0.plusSeconds(60), "{}");
        awaitState(p, s -> "activating".equals(s.getString("journeys.phone-onboarding.stage")));
        String before = as("analyst").get("/v1/profiles/" + p + "/state").then().extract().jsonPath()
                .getString("journeys");

        send(p, first, "Order Completed", "store", t0, "{\"category\": \"phone\"}"); // redelivery: same CloudEvent id
        send(p, "Order Completed", "web", t0.minusSeconds(3600), "{\"category\": \"phone\"}"); // late
        String marker = send(p, "Marker Event", "web", t0.plusSeconds(120), "{}");
        awaitState(p, s -> "Marker Event".equals(s.getString("lastTouchpoints[0].event")));
        assertThat(marker).isNotNull();
        assertThat(state(p).getString("journeys")).isEqualTo(before);
        assertThat(readAll(p).stream().filter(r -> CloudEventTypes.STAGE_ENTERED.equals(KafkaTestClient.header(r, "ce_type")))
                .filter(r -> r.value().contains("\"journeyId\":\"phone-onboarding\""))
                .map(r -> KafkaTestClient.header(r, "ce_id")).distinct()).hasSize(2);
    }

    static List<ConsumerRecord<String, String>> readAll(String profileId) {
        var all = new java.util.ArrayList<ConsumerRecord<String, String>>();
        try {
            kafka.read(Topics.JOURNEY, r -> {
                if (profileId.equals(r.key())) {
                    all.add(r);
                }
                return false;
            }, 1, Duration.ofSeconds(3));
        } catch (AssertionError expected) {
            // read until the timeout: we want every record, not a count
        }
        return all;
    }

    @Test
    void aShortExpectNextWithinStallsOnceEvenWithSeveralClaimers() throws Exception {
        String journey = "stall-" + UUID.randomUUID();
        String start = "Start " + journey;
        as("admin").body("""
                {"stages": [{"id": "one", "enterOn": {"event": "%s"}, "expectNextWithin": "PT1S"},
                            {"id": "two", "enterOn": {"event": "Next %s"}}],
                 "happyPath": ["one", "two"]}
                """.formatted(start, journey)).put("/v1/journeys/" + journey).then().statusCode(201);
        String p = "p-" + UUID.randomUUID();
        send(p, start, "web", Instant.now(), "{}");
        // Two more claimers race the scheduler of this replica, as other replicas would.
        for (int i = 0; i < 20; i++) {
            CompletableFuture.allOf(timers.fireDue().subscribeAsCompletionStage().toCompletableFuture(),
                    timers.fireDue().subscribeAsCompletionStage().toCompletableFuture()).join();
        }
        awaitState(p, s -> "stalled".equals(s.getString("journeys." + journey + ".status")));
        var stalled = journeyEvents(p, CloudEventTypes.JOURNEY_STALLED, 1);
        assertThat(stalled.get(0).value()).contains("\"stage\":\"one\"").contains("\"expectedWithin\":\"PT1S\"");
        as("analyst").get("/v1/journeys/" + journey + "/live").then().statusCode(200).body("stalled", equalTo(1))
                .body("stages.one", equalTo(1));
        assertThat(
                readAll(p).stream().filter(r -> CloudEventTypes.JOURNEY_STALLED.equals(KafkaTestClient.header(r, "ce_type"))))
                .hasSize(1);

        // The next stage un-stalls the journey and moves the counters.
        send(p, "Next " + journey, "web", Instant.now(), "{}");
        awaitState(p, s -> "two".equals(s.getString("journeys." + journey + ".stage")));
        as("analyst").get("/v1/journeys/" + journey + "/live").then().body("stalled", equalTo(0)).body("stages.one", equalTo(0))
                .body("stages.two", equalTo(1)).body("completed", equalTo(1));
    }

    @Test
    void mergeFoldsTwoStatesAndErasureRemovesState() {
        Instant t0 = Instant.parse("2026-03-03T10:00:00Z");
        String a = "p-" + UUID.randomUUID();
        String b = "p-" + UUID.randomUUID();
        send(a, "Order Completed", "store", t0, "{\"category\": \"phone\"}");
        send(b, "Order Completed", "web", t0.plusSeconds(10), "{\"category\": \"phone\"}");
        send(b, "Activation Started", "app", t0.plusSeconds(20), "{}");
        send(b, "Support Ticket Opened", "callcenter", t0.plusSeconds(30), "{}");
        awaitState(a, s -> s.get("journeys.phone-onboarding") != null);
        awaitState(b, s -> s.get("signals.openServiceIssue") != null);

        String merged = """
                {"profileId": "%s", "mergedProfileIds": ["%s"], "mergeId": "m-1", "rule": "email", "at": "%s"}
                """.formatted(a, b, Instant.now());
        kafka.sendCloudEvent(Topics.IDENTITY, a, UUID.randomUUID().toString(), CloudEventTypes.PROFILE_MERGED, "/test", merged);
        awaitState(a, s -> s.get("signals.openServiceIssue") != null);
        JsonPath s = state(a);
        assertThat(s.getString("journeys.phone-onboarding.stage")).isEqualTo("activating");
        assertThat(s.getList("journeys.phone-onboarding.history.stage")).containsExactly("purchased", "purchased",
                "activating");
        as("analyst").get("/v1/profiles/" + b + "/state").then().statusCode(404);

        kafka.sendCloudEvent(Topics.IDENTITY, a, UUID.randomUUID().toString(), CloudEventTypes.PROFILE_ERASED, "/test",
                "{\"profileId\": \"%s\", \"at\": \"%s\"}".formatted(a, Instant.now()));
        await().atMost(WAIT).until(() -> as("analyst").get("/v1/profiles/" + a + "/state").statusCode() == 404);
    }

    @Test
    void segmentMembershipIsKeptInTheStateAndCounted() {
        String segment = "seg-" + UUID.randomUUID();
        String tier = "tier-" + UUID.randomUUID();
        as("admin").body("{\"name\": \"Test VIP\", \"when\": \"has(profile.traits.tier) && profile.traits.tier == '%s'\"}"
                .formatted(tier)).put("/v1/segments/" + segment).then().statusCode(201);
        String p = "p-" + UUID.randomUUID();
        String json = """
                {"type": "identify", "messageId": "m", "traits": {"tier": "%s"}, "timestamp": "%s", "profileId": "%s",
                 "source": "web", "userId": "u"}
                """.formatted(tier, Instant.now(), p);
        kafka.sendCloudEvent(Topics.EVENTS, p, UUID.randomUUID().toString(), CloudEventTypes.IDENTIFY, "/test", json);
        awaitState(p, s -> s.getList("segments").contains(segment));
        as("analyst").get("/v1/segments/" + segment).then().statusCode(200).body("members", equalTo(1));
        var changed = journeyEvents(p, CloudEventTypes.SEGMENT_CHANGED, 1);
        assertThat(changed.get(0).value()).contains(segment).contains("\"entered\":true");
    }

    @Test
    void unreadableEventsGoToTheDeadLetterTopic() {
        String p = "p-" + UUID.randomUUID();
        String id = UUID.randomUUID().toString();
        kafka.sendCloudEvent(Topics.EVENTS, p, id, CloudEventTypes.TRACK, "/test", "{not json");
        var dead = kafka.read(Topics.dlq(Topics.EVENTS), r -> id.equals(KafkaTestClient.header(r, "ce_id")), 1, WAIT);
        assertThat(dead).hasSize(1);
        String noProfile = UUID.randomUUID().toString();
        kafka.sendCloudEvent(Topics.EVENTS, p, noProfile, CloudEventTypes.TRACK, "/test",
                "{\"type\": \"track\", \"event\": \"X\"}");
        kafka.read(Topics.dlq(Topics.EVENTS), r -> noProfile.equals(KafkaTestClient.header(r, "ce_id")), 1, WAIT);
        as("analyst").get("/v1/profiles/" + p + "/state").then().statusCode(404);
        assertThat(Map.of()).isEmpty();
    }
}
