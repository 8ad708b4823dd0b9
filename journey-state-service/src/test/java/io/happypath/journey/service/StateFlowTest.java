package io.happypath.journey.service;

import static io.happypath.journey.TestApi.as;
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
import io.happypath.devstack.PrometheusText;
import io.happypath.journey.domain.IncomingEvent;
import io.happypath.journey.domain.Redeliveries;
import io.happypath.journey.state.StateStore;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** Events, identity events and timers end to end: real broker, Redis and PostgreSQL. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(JwtTestResource.class)
class StateFlowTest {

    static final Duration WAIT = Duration.ofSeconds(45);
    static KafkaTestClient kafka;

    @Inject
    Timers timers;

    @Inject
    StateService service;

    @Inject
    StateStore store;

    @Inject
    ReactiveRedisDataSource redis;

    @BeforeAll
    static void connect() {
        kafka = new KafkaTestClient(KafkaBrokerResource.bootstrapServers());
    }

    @AfterAll
    static void close() {
        kafka.close();
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
        Instant t0 = recent(2);
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

    /**
     * A start time {@code hours} ago, whole seconds: recent enough that phone-onboarding's 48-hour stall timer is not
     * due while a test compares states.
     */
    static Instant recent(int hours) {
        return Instant.now().minusSeconds(3600L * hours).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    }

    /** The stored state exactly as Redis holds it: version and JSON. */
    String stored(String profileId) {
        var r = redis.execute("HMGET", store.stateKey(profileId), "v", "s").await().atMost(WAIT);
        return r.get(0) + " " + r.get(1);
    }

    static double metric(String series) {
        return PrometheusText.value(given().get("/q/metrics").then().statusCode(200).extract().asString(), series);
    }

    @Test
    void aRedeliveryAfterManyOtherEventsLeavesTheStateUnchanged() {
        String p = "p-" + UUID.randomUUID();
        Instant t0 = recent(3);
        String first = send(p, "Order Completed", "store", t0, "{\"category\": \"phone\", \"sentiment\": \"negative\"}");
        for (int i = 1; i <= 40; i++) {
            send(p, "Product Viewed", "web", t0.plusSeconds(60L * i), "{\"n\": " + i + "}");
        }
        String last = send(p, "Activation Started", "app", t0.plusSeconds(3600), "{}");
        awaitState(p, s -> "activating".equals(s.getString("journeys.phone-onboarding.stage")));
        assertThat(last).isNotNull();
        String before = stored(p);
        int published = readAll(p).size();
        double duplicates = metric("happypath_journey_events_duplicates_total");

        // The same CloudEvent again, 41 events later, as a new record (its producer published it twice).
        send(p, first, "Order Completed", "store", t0, "{\"category\": \"phone\", \"sentiment\": \"negative\"}");
        await().atMost(WAIT).until(() -> metric("happypath_journey_events_duplicates_total") >= duplicates + 1);
        assertThat(stored(p)).isEqualTo(before);
        assertThat(readAll(p)).hasSize(published);
    }

    @Test
    void aReplayedRecordIsRecognisedByItsOffsetBeyondTheIdWindow() {
        String p = "p-" + UUID.randomUUID();
        Instant t0 = recent(3);
        String topic = "test.replay." + UUID.randomUUID();
        IncomingEvent order = new IncomingEvent(UUID.randomUUID().toString(), p, "track", "Order Completed", "store", t0,
                Map.of("category", "phone", "sentiment", "very negative"), Map.of(), "m-0");
        var orderAt = new Redeliveries.Position(topic, 0, 1_000, t0.toEpochMilli());
        apply(new StateService.EventInput(order, orderAt));
        // More events than the id window (64) remembers.
        for (int i = 1; i <= 70; i++) {
            Instant at = t0.plusSeconds(60L * i);
            apply(new StateService.EventInput(new IncomingEvent(UUID.randomUUID().toString(), p, "track",
                    i == 70 ? "Activation Started" : "Product Viewed", "web", at, Map.of(), Map.of(), "m-" + i),
                    new Redeliveries.Position(topic, 0, 1_000 + i, at.toEpochMilli())));
        }
        String before = stored(p);
        assertThat(before).contains("\"stage\":\"activating\"");

        // The consumer reads the first record again (a restart before its offset was committed): nothing changes.
        apply(new StateService.EventInput(order, orderAt));
        assertThat(stored(p)).isEqualTo(before);

        // Outside the window and without its position (e.g. copied by hand into the topic again), the late-event rule
        // still keeps the stage where it is.
        apply(new StateService.EventInput(order, null));
        assertThat(state(p).getString("journeys.phone-onboarding.stage")).isEqualTo("activating");
        assertThat(state(p).getString("journeys.lifecycle.stage")).isEqualTo("purchase");
    }

    void apply(StateService.EventInput input) {
        var applied = service.applyEvents(List.of(input), System.nanoTime()).await().atMost(WAIT);
        assertThat(applied.rejected()).isEmpty();
        service.publish(applied).await().atMost(WAIT);
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
        as("admin").delete("/v1/journeys/" + journey).then().statusCode(204); // later runs evaluate fewer journeys
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

        sendMerge(a, b);
        awaitState(a, s -> s.get("signals.openServiceIssue") != null);
        JsonPath s = state(a);
        assertThat(s.getString("journeys.phone-onboarding.stage")).isEqualTo("activating");
        assertThat(s.getList("journeys.phone-onboarding.history.stage")).containsExactly("purchased", "purchased",
                "activating");
        assertThat(state(b).getString("profileId")).as("the merged profile answers with its survivor").isEqualTo(a);

        kafka.sendCloudEvent(Topics.IDENTITY, a, UUID.randomUUID().toString(), CloudEventTypes.PROFILE_ERASED, "/test",
                "{\"profileId\": \"%s\", \"at\": \"%s\"}".formatted(a, Instant.now()));
        await().atMost(WAIT).until(() -> as("analyst").get("/v1/profiles/" + a + "/state").statusCode() == 404);
        as("analyst").get("/v1/profiles/" + b + "/state").then().statusCode(404);
    }

    @Test
    void eventsTaggedWithAMergedProfileReachItsSurvivorUntilTheMergeIsUndone() {
        Instant t0 = Instant.parse("2026-03-04T10:00:00Z");
        String a = "p-" + UUID.randomUUID();
        String b = "p-" + UUID.randomUUID();
        String c = "p-" + UUID.randomUUID();
        send(a, "Order Completed", "store", t0, "{\"category\": \"phone\"}");
        awaitState(a, s -> s.get("journeys.phone-onboarding") != null);

        // b had no state yet: identity tagged its events before the merge, this service reads them after it.
        sendMerge(a, b);
        awaitRedirect(b, a);
        send(b, "Support Ticket Opened", "callcenter", t0.plusSeconds(60), "{}");
        awaitState(a, s -> s.get("signals.openServiceIssue") != null);
        assertThat(state(b).getString("profileId")).isEqualTo(a);

        // a merged into c in turn: b's events follow both redirects, a merge into a reaches c.
        String d = "p-" + UUID.randomUUID();
        send(c, "Product Viewed", "web", t0.minusSeconds(600), "{}");
        send(d, "Delivery Failed", "email", t0.plusSeconds(30), "{}");
        awaitState(c, s -> true);
        awaitState(d, s -> true);
        sendMerge(c, a);
        awaitRedirect(a, c);
        send(b, "Activation Started", "app", t0.plusSeconds(120), "{}");
        awaitState(c, s -> "activating".equals(s.getString("journeys.phone-onboarding.stage")));
        sendMerge(a, d);
        awaitRedirect(d, c);
        JsonPath s = state(c);
        assertThat(s.getMap("signals")).containsKey("openServiceIssue");
        assertThat(s.getList("lastTouchpoints.event")).contains("Delivery Failed", "Support Ticket Opened",
                "Activation Started", "Product Viewed");
        for (String merged : List.of(a, b, d)) {
            assertThat(state(merged).getString("profileId")).as("%s reads its survivor's state", merged).isEqualTo(c);
        }

        // The merge of a into c undone: a starts afresh, c keeps what it has.
        String undone = """
                {"profileId": "%s", "restoredProfileIds": ["%s"], "mergeId": "m-%s", "at": "%s"}
                """.formatted(c, a, a, Instant.now());
        kafka.sendCloudEvent(Topics.IDENTITY, c, UUID.randomUUID().toString(), CloudEventTypes.MERGE_UNDONE, "/test",
                undone);
        await().atMost(WAIT).until(() -> redirectOf(a) == null);
        send(a, "Product Viewed", "web", t0.plusSeconds(180), "{}");
        awaitState(a, st -> st.getList("lastTouchpoints.event").equals(List.of("Product Viewed")));
        assertThat(state(c).getString("journeys.phone-onboarding.stage")).isEqualTo("activating");
    }

    static void sendMerge(String survivor, String merged) {
        String json = """
                {"profileId": "%s", "mergedProfileIds": ["%s"], "mergeId": "m-%s", "rule": "email", "at": "%s"}
                """.formatted(survivor, merged, merged, Instant.now());
        kafka.sendCloudEvent(Topics.IDENTITY, survivor, UUID.randomUUID().toString(), CloudEventTypes.PROFILE_MERGED,
                "/test", json);
    }

    /** The survivor a merged profile's events go to, or null. */
    String redirectOf(String profileId) {
        return store.read(List.of(new StateStore.Read(profileId, List.of()))).await().atMost(Duration.ofSeconds(5)).get(0)
                .mergedInto();
    }

    void awaitRedirect(String merged, String survivor) {
        await().atMost(WAIT).until(() -> survivor.equals(redirectOf(merged)));
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
        as("admin").delete("/v1/segments/" + segment).then().statusCode(204);
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
