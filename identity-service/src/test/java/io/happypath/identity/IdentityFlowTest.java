package io.happypath.identity;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.happypath.contracts.CloudEventTypes;
import io.happypath.contracts.Topics;
import io.happypath.devstack.JwtTestResource;
import io.happypath.devstack.KafkaBrokerResource;
import io.happypath.devstack.KafkaTestClient;
import io.happypath.identity.service.ResolutionService;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.response.Response;

/** The identity flow end to end: raw events in through Kafka, profiles out through HTTP and Kafka. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(JwtTestResource.class)
class IdentityFlowTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final ObjectMapper JSON = new ObjectMapper();
    static KafkaTestClient kafka;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    ResolutionService resolution;

    final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void client() {
        kafka = new KafkaTestClient(KafkaBrokerResource.bootstrapServers());
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    static String admin() {
        return JwtTestResource.token("admin");
    }

    /** Sends a raw event; returns its CloudEvent id. */
    String send(String type, String json) {
        String id = UUID.randomUUID().toString();
        sendWithId(id, type, json);
        return id;
    }

    void sendWithId(String id, String type, String json) {
        String key = "k-" + run;
        kafka.sendCloudEvent(Topics.RAW_EVENTS, key, id, CloudEventTypes.ofSegmentType(type), "/test", json);
    }

    static String msg(String type, String fields) {
        return "{\"type\":\"" + type + "\",\"messageId\":\"" + UUID.randomUUID() + "\",\"source\":\"web\","
                + "\"timestamp\":\"" + Instant.now() + "\",\"receivedAt\":\"" + Instant.now() + "\"," + fields + "}";
    }

    /** Waits until the identifier resolves and returns its profile. */
    static String profileOf(String type, String value) {
        String[] found = new String[1];
        await().atMost(WAIT).until(() -> {
            Response r = given().auth().oauth2(admin()).get("/v1/identities/{t}/{v}", type, value);
            if (r.statusCode() == 200) {
                found[0] = r.jsonPath().getString("profileId");
                return true;
            }
            return false;
        });
        return found[0];
    }

    static String lookup(String type, String value) {
        Response r = given().auth().oauth2(admin()).get("/v1/identities/{t}/{v}", type, value);
        return r.statusCode() == 200 ? r.jsonPath().getString("profileId") : "status " + r.statusCode();
    }

    @Test
    void anonymousWebVisitorLogsInOnMobileBecomesOneProfile() {
        String web = "web-" + run, mobile = "mob-" + run, user = "user-" + run;
        send("page", msg("page", "\"anonymousId\":\"" + web + "\",\"name\":\"Home\""));
        String webProfile = profileOf("anonymous_id", web);
        send("identify", msg("identify", "\"anonymousId\":\"" + mobile + "\",\"userId\":\"" + user
                + "\",\"traits\":{\"email\":\" Jane." + run + "@Example.com \",\"plan\":\"pro\"}"));
        String mobileProfile = profileOf("anonymous_id", mobile);
        assertThat(mobileProfile).isNotEqualTo(webProfile);
        send("track", msg("track", "\"anonymousId\":\"" + web + "\",\"userId\":\"" + user + "\",\"event\":\"Logged In\""));

        await().atMost(WAIT).until(() -> webProfile.equals(lookup("anonymous_id", mobile)));
        assertThat(lookup("user_id", user)).isEqualTo(webProfile);
        assertThat(lookup("email", "jane." + run + "@example.com")).isEqualTo(webProfile);
        // a merged profile id still leads to the survivor
        given().auth().oauth2(JwtTestResource.token("analyst")).get("/v1/profiles/{id}", mobileProfile).then()
                .statusCode(200).body("profileId", equalTo(webProfile)).body("mergedFrom", equalTo(List.of(mobileProfile)))
                .body("traits.plan", equalTo("pro")).body("identifiers.size()", equalTo(4));

        Response links = given().auth().oauth2(admin()).get("/v1/profiles/{id}/links", webProfile);
        links.then().statusCode(200).body("merges.size()", equalTo(1)).body("merges[0].mergedProfileIds",
                equalTo(List.of(mobileProfile)));
        assertThat(links.jsonPath().getList("links.rule", String.class)).contains("new-profile",
                "merge:anonymous_id,user_id");

        List<ConsumerRecord<String, String>> merged = kafka.read(Topics.IDENTITY,
                r -> webProfile.equals(r.key()) && CloudEventTypes.PROFILE_MERGED.equals(KafkaTestClient.header(r, "ce_type")),
                1, WAIT);
        assertThat(merged.get(0).value()).contains(mobileProfile);
        List<ConsumerRecord<String, String>> stitched = kafka.read(Topics.EVENTS, r -> webProfile.equals(r.key()), 2, WAIT);
        assertThat(stitched).allSatisfy(r -> {
            assertThat(r.value()).contains("\"profileId\":\"" + webProfile + "\"");
            assertThat(KafkaTestClient.header(r, "ce_type")).startsWith("io.happypath.event.");
        });
    }

    @Test
    void segmentsDocumentedExampleGivesANewProfileAndLeavesTheEmail() {
        String jane = "jane-" + run + "@x.test";
        send("identify", msg("identify", "\"userId\":\"abc123-" + run + "\",\"traits\":{\"email\":\"" + jane + "\"}"));
        String first = profileOf("user_id", "abc123-" + run);
        send("identify", msg("identify", "\"userId\":\"abc456-" + run + "\",\"traits\":{\"email\":\"" + jane + "\"}"));
        String second = profileOf("user_id", "abc456-" + run);
        assertThat(second).isNotEqualTo(first);
        assertThat(lookup("email", jane)).isEqualTo(first);
        given().auth().oauth2(admin()).get("/v1/profiles/{id}", second).then().statusCode(200)
                .body("identifiers.type", equalTo(List.of("user_id")));
    }

    @Test
    void sharedStoreTabletDoesNotMergeCustomers() {
        String tablet = "tablet-" + run;
        List<String> profiles = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            send("identify", msg("identify", "\"userId\":\"cust" + i + "-" + run + "\",\"context\":{\"device\":{\"id\":\""
                    + tablet + "\"}}"));
            profiles.add(profileOf("user_id", "cust" + i + "-" + run));
        }
        assertThat(profiles).doesNotHaveDuplicates();
        assertThat(lookup("device_id", tablet)).isEqualTo(profiles.get(0));
    }

    @Test
    void sameNewEmailInTwoEventsEndsInOneProfile() {
        String email = "shared-" + run + "@x.test";
        send("identify", msg("identify", "\"anonymousId\":\"a1-" + run + "\",\"traits\":{\"email\":\"" + email + "\"}"));
        send("identify", msg("identify", "\"anonymousId\":\"a2-" + run + "\",\"traits\":{\"email\":\"" + email + "\"}"));
        String p = profileOf("email", email);
        await().atMost(WAIT).until(() -> p.equals(lookup("anonymous_id", "a1-" + run))
                && p.equals(lookup("anonymous_id", "a2-" + run)));
    }

    @Test
    void concurrentResolutionOfTheSameNewEmailMakesOneProfile() throws Exception {
        String email = "race-" + run + "@x.test";
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String json = msg("identify", "\"anonymousId\":\"race" + i + "-" + run + "\",\"traits\":{\"email\":\"" + email
                    + "\"}");
            String id = UUID.randomUUID().toString();
            results.add(pool.submit(() -> {
                start.await();
                ResolutionService.Outcome o;
                try {
                    o = VertxContextSupport.subscribeAndAwait(() -> resolution.resolve(id, CloudEventTypes.IDENTIFY, json));
                } catch (Throwable t) {
                    throw new IllegalStateException(t);
                }
                return ((ResolutionService.Resolved) o).outgoing().profileId();
            }));
        }
        start.countDown();
        List<String> profiles = new ArrayList<>();
        for (Future<String> f : results) {
            profiles.add(f.get());
        }
        pool.shutdown();
        assertThat(profiles).containsOnly(profiles.get(0));
        assertThat(lookup("email", email)).isEqualTo(profiles.get(0));
    }

    @Test
    void mergeThenUndoRestoresBothProfiles() {
        String a = "ua-" + run, b = "ub-" + run, user = "uu-" + run;
        send("identify", msg("identify", "\"anonymousId\":\"" + a + "\",\"traits\":{\"city\":\"Rome\"}"));
        String pa = profileOf("anonymous_id", a);
        send("identify", msg("identify", "\"anonymousId\":\"" + b + "\",\"userId\":\"" + user
                + "\",\"traits\":{\"city\":\"Oslo\",\"tier\":\"gold\"}"));
        String pb = profileOf("anonymous_id", b);
        send("track", msg("track", "\"anonymousId\":\"" + a + "\",\"userId\":\"" + user + "\",\"event\":\"Login\""));
        await().atMost(WAIT).until(() -> pa.equals(lookup("anonymous_id", b)));
        String mergeId = given().auth().oauth2(admin()).get("/v1/profiles/{id}/links", pa).then().statusCode(200)
                .extract().jsonPath().getString("merges[0].mergeId");

        given().auth().oauth2(JwtTestResource.token("analyst")).post("/v1/profiles/{p}/merges/{m}/undo", pa, mergeId)
                .then().statusCode(403).body("error", equalTo("forbidden"));
        given().post("/v1/profiles/{p}/merges/{m}/undo", pa, mergeId).then().statusCode(401);
        given().auth().oauth2(admin()).post("/v1/profiles/{p}/merges/{m}/undo", pb, mergeId).then().statusCode(404)
                .body("error", equalTo("not_found"));
        given().auth().oauth2(admin()).post("/v1/profiles/{p}/merges/{m}/undo", pa, "nope").then().statusCode(400)
                .body("error", equalTo("invalid_merge_id"));

        given().auth().oauth2(admin()).post("/v1/profiles/{p}/merges/{m}/undo", pa, mergeId).then().statusCode(200)
                .body("status", equalTo("undone"));
        assertThat(lookup("anonymous_id", a)).isEqualTo(pa);
        assertThat(lookup("anonymous_id", b)).isEqualTo(pb);
        assertThat(lookup("user_id", user)).isEqualTo(pb);
        given().auth().oauth2(admin()).get("/v1/profiles/{id}", pb).then().statusCode(200).body("profileId", equalTo(pb))
                .body("traits.city", equalTo("Oslo")).body("traits.tier", equalTo("gold"));
        given().auth().oauth2(admin()).get("/v1/profiles/{id}", pa).then().statusCode(200).body("traits.city",
                equalTo("Rome")).body("mergedFrom.size()", equalTo(0));
        given().auth().oauth2(admin()).post("/v1/profiles/{p}/merges/{m}/undo", pa, mergeId).then().statusCode(409)
                .body("error", equalTo("already_undone"));
        kafka.read(Topics.IDENTITY, r -> pa.equals(r.key()) && "io.happypath.identity.merge.undone"
                .equals(KafkaTestClient.header(r, "ce_type")), 1, WAIT);
    }

    @Test
    void erasureRemovesEverythingAndTheNextEventStartsAFreshProfile() {
        String user = "erase-" + run, email = "erase-" + run + "@x.test";
        send("identify", msg("identify", "\"userId\":\"" + user + "\",\"traits\":{\"email\":\"" + email + "\"}"));
        String p = profileOf("user_id", user);
        given().auth().oauth2(JwtTestResource.token("analyst")).delete("/v1/profiles/{id}", p).then().statusCode(403);
        given().auth().oauth2(admin()).delete("/v1/profiles/{id}", p).then().statusCode(202).body("profileId", equalTo(p));
        given().auth().oauth2(admin()).get("/v1/profiles/{id}", p).then().statusCode(404).body("error", equalTo("not_found"));
        given().auth().oauth2(admin()).get("/v1/profiles/{id}/links", p).then().statusCode(404);
        given().auth().oauth2(admin()).get("/v1/identities/email/{v}", email).then().statusCode(404);
        given().auth().oauth2(admin()).delete("/v1/profiles/{id}", p).then().statusCode(202);
        kafka.read(Topics.IDENTITY, r -> p.equals(r.key())
                && CloudEventTypes.PROFILE_ERASED.equals(KafkaTestClient.header(r, "ce_type")), 1, WAIT);

        send("identify", msg("identify", "\"userId\":\"" + user + "\",\"traits\":{\"email\":\"" + email + "\"}"));
        String fresh = profileOf("user_id", user);
        assertThat(fresh).isNotEqualTo(p);
    }

    @Test
    void redeliveryOfTheSameEventChangesNothing() throws Exception {
        String anon = "redo-" + run;
        String json = msg("identify", "\"anonymousId\":\"" + anon + "\",\"traits\":{\"email\":\"redo-" + run + "@x.test\"}");
        String id = UUID.randomUUID().toString();
        sendWithId(id, "identify", json);
        String p = profileOf("anonymous_id", anon);
        int links = given().auth().oauth2(admin()).get("/v1/profiles/{id}/links", p).jsonPath().getList("links").size();
        sendWithId(id, "identify", json);
        // a marker on the same key (same partition) is processed after the redelivery
        send("track", msg("track", "\"anonymousId\":\"marker-" + run + "\",\"event\":\"Marker\""));
        profileOf("anonymous_id", "marker-" + run);
        given().auth().oauth2(admin()).get("/v1/profiles/{id}/links", p).then().statusCode(200)
                .body("links.size()", equalTo(links));
        List<ConsumerRecord<String, String>> out = kafka.read(Topics.EVENTS,
                r -> id.equals(KafkaTestClient.header(r, "ce_id")), 1, WAIT);
        JsonNode data = JSON.readTree(out.get(0).value());
        assertThat(data.get("profileId").asText()).isEqualTo(p);
        // no second stitched copy: reading for two finds only one
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> kafka.read(Topics.EVENTS,
                r -> id.equals(KafkaTestClient.header(r, "ce_id")), 2, Duration.ofSeconds(5)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("found 1");
    }

    @Test
    void newestTraitWins() {
        String user = "traits-" + run;
        send("identify", "{\"type\":\"identify\",\"messageId\":\"" + UUID.randomUUID()
                + "\",\"userId\":\"" + user + "\",\"timestamp\":\"2026-02-01T00:00:00Z\",\"traits\":{\"plan\":\"gold\"}}");
        String p = profileOf("user_id", user);
        send("identify", "{\"type\":\"identify\",\"messageId\":\"" + UUID.randomUUID()
                + "\",\"userId\":\"" + user
                + "\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"traits\":{\"plan\":\"basic\",\"city\":\"Rome\"}}");
        await().atMost(WAIT).until(() -> "Rome".equals(given().auth().oauth2(admin()).get("/v1/profiles/{id}", p)
                .jsonPath().getString("traits.city")));
        given().auth().oauth2(admin()).get("/v1/profiles/{id}", p).then().body("traits.plan", equalTo("gold"));
    }

    @Test
    void badRawEventsGoToTheDeadLetterTopicWithTheReason() {
        String key = "bad-" + run;
        kafka.sendCloudEvent(Topics.RAW_EVENTS, key, UUID.randomUUID().toString(), CloudEventTypes.TRACK, "/test", "{not json");
        kafka.sendCloudEvent(Topics.RAW_EVENTS, key, UUID.randomUUID().toString(), CloudEventTypes.TRACK, "/test",
                msg("track", "\"anonymousId\":\"a-" + run + "\""));
        kafka.sendCloudEvent(Topics.RAW_EVENTS, key, UUID.randomUUID().toString(), CloudEventTypes.TRACK, "/test",
                msg("track", "\"anonymousId\":\"anonymous\",\"userId\":\"0000\",\"event\":\"x\""));
        List<ConsumerRecord<String, String>> dead = kafka.read(Topics.dlq(Topics.RAW_EVENTS), r -> key.equals(r.key()), 3,
                WAIT);
        List<String> reasons = dead.stream().map(r -> KafkaTestClient.header(r, "dead-letter-reason")).toList();
        assertThat(reasons).anySatisfy(r -> assertThat(r).contains("not a valid Segment message"));
        assertThat(reasons).anySatisfy(r -> assertThat(r).contains("track requires event"));
        assertThat(reasons).anySatisfy(r -> assertThat(r).contains("no usable identifier"));
    }

    @Test
    void restErrorsArePrecise() {
        given().get("/v1/profiles/{id}", UUID.randomUUID()).then().statusCode(401);
        given().auth().oauth2(JwtTestResource.token("decision-client")).get("/v1/profiles/{id}", UUID.randomUUID()).then()
                .statusCode(403);
        given().auth().oauth2(admin()).get("/v1/profiles/{id}", UUID.randomUUID()).then().statusCode(404)
                .body("error", equalTo("not_found"));
        given().auth().oauth2(admin()).get("/v1/profiles/not-a-uuid").then().statusCode(400)
                .body("error", equalTo("invalid_profile_id"));
        given().auth().oauth2(admin()).delete("/v1/profiles/{id}", UUID.randomUUID()).then().statusCode(404);
        given().auth().oauth2(JwtTestResource.token("decision-client")).get("/v1/identities/email/nobody-{r}@x.test", run)
                .then().statusCode(404).body("error", equalTo("not_found"));
        given().auth().oauth2(admin()).get("/v1/identities/Bad-Type/x").then().statusCode(400)
                .body("error", equalTo("invalid_identifier_type"));
        given().auth().oauth2(admin()).get("/v1/identities/email/{v}", "x".repeat(600)).then().statusCode(400)
                .body("error", equalTo("invalid_identifier_value"));
    }
}
