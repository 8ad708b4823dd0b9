package io.happypath.decision;

import static io.happypath.decision.TestApi.admin;
import static io.happypath.decision.TestApi.as;
import static io.happypath.decision.TestApi.decideOnWeb;
import static io.happypath.decision.TestApi.putAction;
import static io.happypath.decision.TestApi.webAction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.happypath.contracts.CloudEventTypes;
import io.happypath.contracts.Topics;
import io.happypath.decision.cache.ContactHistory;
import io.happypath.devstack.JwtTestResource;
import io.happypath.devstack.KafkaBrokerResource;
import io.happypath.devstack.KafkaTestClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** Outcomes, the adaptive model they teach, and contact policies in Redis sliding windows. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(JwtTestResource.class)
@WithTestResource(UpstreamStub.class)
class OutcomesAndPoliciesTest {

    @Inject
    ContactHistory history;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private static void outcome(String decisionId, String actionId, String outcome) {
        as("decision-client").body(Map.of("actionId", actionId, "outcome", outcome))
                .post("/v1/decisions/" + decisionId + "/outcomes").then().statusCode(202);
    }

    @Test
    void aFrequencyCapHoldsPerActionAndChannel() {
        String placement = "cap-" + UUID.randomUUID();
        String capped = "capped-" + UUID.randomUUID();
        String policy = "cap-" + UUID.randomUUID();
        admin().body(Map.of("type", "frequency", "scope", "action", "actionId", capped, "channel", "web", "max", 2,
                "window", "P1D")).put("/v1/policies/" + policy).then().statusCode(201)
                .body("id", equalTo(policy)).body("max", equalTo(2));
        putAction(capped, webAction("Offer", placement));
        String profile = "p-" + UUID.randomUUID();
        assertThat(decideOnWeb(profile, placement).getList("actions.actionId")).containsExactly(capped);
        assertThat(decideOnWeb(profile, placement).getList("actions.actionId")).containsExactly(capped);
        JsonPath third = decideOnWeb(profile, placement);
        assertThat(third.getList("actions")).isEmpty();
        assertThat(third.getString("suppressed[0].reason")).startsWith("contact policy " + policy + ": at most 2");
        // Another customer is not affected.
        assertThat(decideOnWeb("p-" + UUID.randomUUID(), placement).getList("actions.actionId")).containsExactly(capped);
        as("analyst").get("/v1/policies").then().statusCode(200).body("id", hasItem(policy));
        admin().delete("/v1/policies/" + policy).then().statusCode(204);
        assertThat(decideOnWeb(profile, placement).getList("actions.actionId")).containsExactly(capped);
    }

    @Test
    void theSlidingWindowForgetsOldContacts() {
        String profile = "p-" + UUID.randomUUID();
        Instant now = Instant.now();
        history.recordContacts(profile, List.of("channel:email"), "old", now.minus(Duration.ofDays(8)))
                .await().atMost(Duration.ofSeconds(10));
        history.recordContacts(profile, List.of("channel:email"), "recent", now.minus(Duration.ofDays(2)))
                .await().atMost(Duration.ofSeconds(10));
        assertThat(history.contactsWithin(profile, "channel:email", Duration.ofDays(7), now).await()
                .atMost(Duration.ofSeconds(10))).isEqualTo(1);
        assertThat(history.contactsWithin(profile, "channel:email", Duration.ofDays(30), now).await()
                .atMost(Duration.ofSeconds(10))).isEqualTo(2);
        // Outcomes too: two dismissals 40 days ago and one now do not reach 3 within 30 days.
        String counter = "action:x";
        for (String m : List.of("a", "b")) {
            assertThat(history.recordOutcome(profile, "pol", "dismissed", counter, m, 3, Duration.ofDays(30),
                    Duration.ofDays(14), now.minus(Duration.ofDays(40))).await().atMost(Duration.ofSeconds(10)))
                    .isFalse();
        }
        assertThat(history.recordOutcome(profile, "pol", "dismissed", counter, "c", 3, Duration.ofDays(30),
                Duration.ofDays(14), now).await().atMost(Duration.ofSeconds(10))).isFalse();
        assertThat(history.paused(profile, "pol", counter).await().atMost(Duration.ofSeconds(10))).isFalse();
    }

    @Test
    void dismissalsPauseAnActionAndOutcomesAreLogged() {
        String placement = "dismiss-" + UUID.randomUUID();
        String nagging = "nag-" + UUID.randomUUID();
        String policy = "pause-" + UUID.randomUUID();
        admin().body(Map.of("type", "suppression", "scope", "action", "actionId", nagging, "outcome", "dismissed",
                "max", 3, "window", "P30D", "pause", "P14D")).put("/v1/policies/" + policy).then().statusCode(201);
        putAction(nagging, webAction("Offer", placement));
        String profile = "p-" + UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            String decisionId = decideOnWeb(profile, placement).getString("decisionId");
            outcome(decisionId, nagging, "dismissed");
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                decideOnWeb(profile, placement).getString("suppressed.find { it.actionId == '" + nagging + "' }.reason"))
                .startsWith("contact policy " + policy + ": paused for P14D"));
        try (KafkaTestClient kafka = new KafkaTestClient(bootstrapServers)) {
            var outcomes = kafka.read(Topics.DECISIONS, r -> profile.equals(r.key())
                    && CloudEventTypes.DECISION_OUTCOME.equals(KafkaTestClient.header(r, "ce_type")), 3,
                    Duration.ofSeconds(30));
            assertThat(outcomes).allSatisfy(r -> assertThat(JsonPath.from(r.value()).getString("outcome"))
                    .isEqualTo("dismissed"));
        }
        admin().delete("/v1/policies/" + policy).then().statusCode(204);
    }

    @Test
    void propensityMovesTowardTheObservedClickRate() {
        String placement = "learn-" + UUID.randomUUID();
        String learner = "learner-" + UUID.randomUUID();
        putAction(learner, webAction("Offer", placement));
        String decisionId = decideOnWeb("p-" + UUID.randomUUID(), placement).getString("decisionId");
        int n = 300;
        for (int i = 0; i < n; i++) {
            outcome(decisionId, learner, i % 10 < 3 ? "clicked" : "dismissed");
        }
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> as("analyst").get("/v1/models/" + learner)
                .then().statusCode(200).body("channels[0].responses", equalTo(n)));
        JsonPath model = as("analyst").get("/v1/models/" + learner).then().extract().jsonPath();
        assertThat(model.getInt("channels[0].positives")).isEqualTo(90);
        assertThat(model.getDouble("channels[0].propensity")).isBetween(0.25, 0.35);
        as("analyst").get("/v1/models/unknown-" + UUID.randomUUID()).then().statusCode(404);
    }

    @Test
    void outcomeBadInputGetsPreciseErrors() {
        String placement = "bad-outcome-" + UUID.randomUUID();
        String a = "oc-" + UUID.randomUUID();
        putAction(a, webAction("Offer", placement));
        String decisionId = decideOnWeb("p-" + UUID.randomUUID(), placement).getString("decisionId");
        as("decision-client").body(Map.of("actionId", a, "outcome", "clicked"))
                .post("/v1/decisions/" + UUID.randomUUID() + "/outcomes").then().statusCode(404)
                .body("error", equalTo("not_found"));
        as("decision-client").body(Map.of("actionId", "other", "outcome", "clicked"))
                .post("/v1/decisions/" + decisionId + "/outcomes").then().statusCode(400)
                .body("error", equalTo("action_not_in_decision"));
        as("decision-client").body(Map.of("actionId", a, "outcome", "loved"))
                .post("/v1/decisions/" + decisionId + "/outcomes").then().statusCode(400)
                .body("error", equalTo("invalid_outcome")).body("message", containsString("clicked"));
        as("decision-client").body(Map.of("outcome", "clicked"))
                .post("/v1/decisions/" + decisionId + "/outcomes").then().statusCode(400)
                .body("error", equalTo("missing_field"));
        as("decision-client").body("{\"actionId\": ").post("/v1/decisions/" + decisionId + "/outcomes").then()
                .statusCode(400).body("error", equalTo("malformed_json"));
        as("analyst").body(Map.of("actionId", a, "outcome", "clicked"))
                .post("/v1/decisions/" + decisionId + "/outcomes").then().statusCode(403);
    }

    @Test
    void invalidPoliciesAreRejected() {
        String id = "bad-" + UUID.randomUUID();
        admin().body(Map.of("type", "sometimes", "scope", "action", "max", 1, "window", "P1D"))
                .put("/v1/policies/" + id).then().statusCode(400).body("error", equalTo("invalid_policy"))
                .body("message", containsString("type"));
        admin().body(Map.of("type", "frequency", "scope", "channel", "channel", "web", "max", 0, "window", "P1D"))
                .put("/v1/policies/" + id).then().statusCode(400).body("message", containsString("max"));
        admin().body(Map.of("type", "frequency", "scope", "channel", "max", 1, "window", "a week"))
                .put("/v1/policies/" + id).then().statusCode(400).body("message", containsString("window"));
        admin().body(Map.of("type", "suppression", "scope", "group", "max", 3, "window", "P30D", "outcome",
                "dismissed")).put("/v1/policies/" + id).then().statusCode(400).body("message",
                        containsString("pause"));
        admin().delete("/v1/policies/" + id).then().statusCode(404);
        as("decision-client").get("/v1/policies").then().statusCode(403);
    }
}
