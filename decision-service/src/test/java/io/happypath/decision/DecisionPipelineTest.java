package io.happypath.decision;

import static io.happypath.decision.TestApi.admin;
import static io.happypath.decision.TestApi.as;
import static io.happypath.decision.TestApi.putAction;
import static io.happypath.decision.TestApi.stubProfile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.happypath.contracts.CloudEventTypes;
import io.happypath.contracts.Topics;
import io.happypath.devstack.JwtTestResource;
import io.happypath.devstack.KafkaBrokerResource;
import io.happypath.devstack.KafkaTestClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * {@code POST /v1/decisions} end to end with real PostgreSQL, Redis and broker, and the upstream services stood in
 * by {@link UpstreamStub}. Each test uses its own placement so that only its own actions are candidates.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(JwtTestResource.class)
@WithTestResource(UpstreamStub.class)
class DecisionPipelineTest {

    private static Map<String, Object> action(String name, String group, String placement) {
        Map<String, Object> a = new HashMap<>();
        a.put("name", name);
        a.put("group", group);
        a.put("channels", List.of("web", "app"));
        a.put("placements", List.of(placement));
        a.put("content", Map.of("web", Map.of("headline", name)));
        return a;
    }

    private static Map<String, Object> decisionRequest(String profileId, String placement) {
        return Map.of("profileId", profileId, "channel", "web", "placement", placement, "limit", 3);
    }

    private static JsonPath decide(Map<String, Object> request) {
        return as("decision-client").body(request).post("/v1/decisions").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void thePhoneStoryIsNeverToneDeaf() {
        String placement = "home-hero-" + UUID.randomUUID();
        String offer = "new-phone-" + UUID.randomUUID();
        String help = "activation-help-" + UUID.randomUUID();
        putAction(offer, action("New phone offer", "sales", placement));
        Map<String, Object> helpAction = action("Help with activation", "service", placement);
        // Activation help is only relevant while activation is under way.
        helpAction.put("applicability", "has(state.journeys) && 'phone-onboarding' in state.journeys");
        putAction(help, helpAction);
        String profile = "p-" + UUID.randomUUID();
        Map<String, Object> journeys = Map.of("phone-onboarding", Map.of("stage", "activating", "status", "stalled"));
        stubProfile(profile, Map.of("profile", Map.of("traits", Map.of("plan", "premium")), "state", Map.of(
                "journeys", journeys, "signals", Map.of("openServiceIssue", Map.of("since", Instant.now().toString())),
                "emotion", Map.of("frustration", 0.8, "confidence", 0.2))));

        JsonPath d = decide(decisionRequest(profile, placement));
        assertThat(d.getList("actions.actionId")).containsExactly(help);
        assertThat(d.getString("suppressed.find { it.actionId == '" + offer + "' }.reason"))
                .isEqualTo("open service issue: openServiceIssue");
        assertThat(d.getString("profileId")).isEqualTo(profile);
        assertThat(d.getBoolean("degraded")).isFalse();
        assertThat(d.getDouble("actions[0].priority")).isPositive();
        assertThat(d.getDouble("actions[0].propensity")).isBetween(0.0, 1.0);
        assertThat(d.getString("actions[0].content.headline")).isEqualTo("Help with activation");
        assertThat(d.getString("experiment.id")).isNotBlank();

        // Frustration alone (the ticket resolved) still keeps the offer away.
        stubProfile(profile, Map.of("state", Map.of("journeys", journeys, "emotion", Map.of("frustration", 0.9))));
        assertThat(decide(decisionRequest(profile, placement)).getString(
                "suppressed.find { it.actionId == '" + offer + "' }.reason")).startsWith("frustration 0.90 above");

        // Once the signal clears and the customer is calm, the offer can win again.
        stubProfile(profile, Map.of("state", Map.of("emotion", Map.of("frustration", 0.1))));
        JsonPath calm = decide(decisionRequest(profile, placement));
        assertThat(calm.getList("actions.actionId")).containsExactly(offer);
        assertThat(calm.getString("suppressed.find { it.actionId == '" + help + "' }.reason"))
                .startsWith("applicability rule not met");
    }

    @Test
    void everyDecisionIsLoggedOnTheDecisionTopic() {
        String placement = "log-" + UUID.randomUUID();
        String a = "log-action-" + UUID.randomUUID();
        putAction(a, action("Logged", "retention", placement));
        String profile = "p-" + UUID.randomUUID();
        stubProfile(profile, Map.of("profile", Map.of("traits", Map.of())));
        String decisionId = decide(decisionRequest(profile, placement)).getString("decisionId");
        try (KafkaTestClient kafka = new KafkaTestClient(KafkaBrokerResource.bootstrapServers())) {
            var records = kafka.read(Topics.DECISIONS, r -> profile.equals(r.key()), 1, Duration.ofSeconds(30));
            assertThat(records).hasSize(1);
            assertThat(KafkaTestClient.header(records.get(0), "ce_type")).isEqualTo(CloudEventTypes.DECISION_MADE);
            JsonPath logged = JsonPath.from(records.get(0).value());
            assertThat(logged.getString("decisionId")).isEqualTo(decisionId);
            assertThat(logged.getList("actions.actionId")).containsExactly(a);
            assertThat(logged.getString("channel")).isEqualTo("web");
            assertThat(logged.getString("experiment.variant")).isNotBlank();
        }
    }

    @Test
    void guardsForConsentRecentPurchaseAndContextWeights() {
        String placement = "guards-" + UUID.randomUUID();
        String newsletter = "newsletter-" + UUID.randomUUID();
        String phone = "phone-" + UUID.randomUUID();
        String retention = "stay-" + UUID.randomUUID();
        putAction(newsletter, action("Newsletter", "marketing", placement));
        Map<String, Object> phoneAction = action("Phone", "cross-sell", placement);
        phoneAction.put("product", "phone");
        phoneAction.put("value", 50);
        putAction(phone, phoneAction);
        putAction(retention, action("Stay with us", "retention", placement));
        String profile = "p-" + UUID.randomUUID();
        stubProfile(profile, Map.of("profile", Map.of("traits", Map.of("marketingConsent", false)), "state",
                Map.of("lastTouchpoints", List.of(Map.of("channel", "store", "event", "Order Completed", "at",
                        Instant.now().minus(Duration.ofDays(2)).toString(), "properties",
                        Map.of("category", "phone"))))));
        JsonPath d = decide(Map.of("profileId", profile, "channel", "web", "placement", placement, "limit", 3,
                "context", Map.of("intent", "cancellation")));
        assertThat(d.getString("suppressed.find { it.actionId == '" + newsletter + "' }.reason"))
                .isEqualTo("marketing consent withdrawn");
        assertThat(d.getString("suppressed.find { it.actionId == '" + phone + "' }.reason"))
                .startsWith("recently bought: phone");
        assertThat(d.getList("actions.actionId")).containsExactly(retention);
    }

    @Test
    void anUnknownCustomerStillGetsADecision() {
        String placement = "anon-" + UUID.randomUUID();
        String a = "welcome-" + UUID.randomUUID();
        Map<String, Object> welcome = action("Welcome", "onboarding", placement);
        welcome.put("eligibility", "!profile.known");
        putAction(a, welcome);
        JsonPath d = decide(Map.of("identifiers", Map.of("anonymous_id", "anon-" + UUID.randomUUID()), "channel",
                "web", "placement", placement));
        assertThat(d.getList("actions.actionId")).containsExactly(a);
        assertThat(d.getString("profileId")).isNull();
        assertThat(d.getBoolean("degraded")).isFalse();

        // A known identifier resolves to its profile (and the welcome is no longer eligible).
        String profile = "p-" + UUID.randomUUID();
        String email = "jane-" + UUID.randomUUID() + "@example.com";
        stubProfile(profile, Map.of("identifiers", Map.of("email", email), "profile", Map.of("traits", Map.of())));
        JsonPath known = decide(Map.of("identifiers", Map.of("anonymous_id", "x-" + UUID.randomUUID(), "email",
                email), "channel", "web", "placement", placement));
        assertThat(known.getString("profileId")).isEqualTo(profile);
        assertThat(known.getList("actions")).isEmpty();
        assertThat(known.getString("suppressed[0].reason")).startsWith("eligibility rule not met");
    }

    @Test
    void anUpstreamTimeoutYieldsADegradedDecisionNotAnError() {
        String placement = "slow-" + UUID.randomUUID();
        String a = "any-" + UUID.randomUUID();
        putAction(a, action("Anything", "service", placement));
        String profile = "p-" + UUID.randomUUID();
        stubProfile(profile, Map.of("profile", Map.of("traits", Map.of()), "stateDelayMs", 3000));
        as("decision-client").body(decisionRequest(profile, placement)).post("/v1/decisions").then().statusCode(200)
                .body("degraded", equalTo(true)).body("profileId", equalTo(profile))
                .body("actions.actionId", hasItem(a));
        String slowIdentity = "p-" + UUID.randomUUID();
        stubProfile(slowIdentity, Map.of("identifiers", Map.of("user_id", slowIdentity), "delayMs", 3000));
        as("decision-client").body(Map.of("identifiers", Map.of("user_id", slowIdentity), "channel", "web",
                "placement", placement)).post("/v1/decisions").then().statusCode(200)
                .body("degraded", equalTo(true)).body("actions.actionId", hasItem(a));
    }

    @Test
    void badInputGetsPrecise400s() {
        String profile = "p-" + UUID.randomUUID();
        as("decision-client").body(Map.of("profileId", profile, "channel", "fax")).post("/v1/decisions").then()
                .statusCode(400).body("error", equalTo("unknown_channel")).body("message", containsString("fax"));
        as("decision-client").body(Map.of("profileId", profile)).post("/v1/decisions").then()
                .statusCode(400).body("error", equalTo("missing_field")).body("message", containsString("channel"));
        for (int limit : new int[]{0, -1, 51}) {
            as("decision-client").body(Map.of("profileId", profile, "channel", "web", "limit", limit))
                    .post("/v1/decisions").then().statusCode(400).body("error", equalTo("invalid_limit"));
        }
        as("decision-client").body(Map.of("channel", "web")).post("/v1/decisions").then()
                .statusCode(400).body("error", equalTo("missing_subject"));
        as("decision-client").body(Map.of("channel", "web", "identifiers", Map.of())).post("/v1/decisions").then()
                .statusCode(400).body("error", equalTo("missing_subject"));
        as("decision-client").body(Map.of("channel", "web", "identifiers", Map.of("email", ""))).post("/v1/decisions")
                .then().statusCode(400).body("error", equalTo("invalid_identifiers"));
        as("decision-client").body("{\"profileId\": \"x\", \"channel\": ").post("/v1/decisions").then()
                .statusCode(400).body("error", equalTo("malformed_json"));
        as("decision-client").body("{\"profileId\": \"x\", \"channel\": \"web\", \"limit\": \"three\"}")
                .post("/v1/decisions").then().statusCode(400).body("error", equalTo("invalid_field"))
                .body("message", containsString("limit"));
        as("decision-client").body("{\"profileId\": \"x\", \"channel\": \"web\", \"context\": [1]}")
                .post("/v1/decisions").then().statusCode(400).body("error", equalTo("invalid_field"));
        as("decision-client").post("/v1/decisions").then().statusCode(400).body("error", equalTo("missing_body"));
        as("analyst").body(Map.of("profileId", profile, "channel", "web")).post("/v1/decisions").then()
                .statusCode(403);
        io.restassured.RestAssured.given().contentType("application/json")
                .body(Map.of("profileId", profile, "channel", "web")).post("/v1/decisions").then().statusCode(401);
    }

    @Test
    void limitKeepsTheBestAndEveryActionCarriesPriorityAndPropensity() {
        String placement = "limit-" + UUID.randomUUID();
        for (int i = 0; i < 5; i++) {
            Map<String, Object> a = action("A" + i, "retention", placement);
            a.put("value", i + 1);
            putAction("lim-" + i + "-" + UUID.randomUUID(), a);
        }
        String profile = "p-" + UUID.randomUUID();
        JsonPath d = decide(Map.of("profileId", profile, "channel", "web", "placement", placement, "limit", 2));
        List<Float> priorities = d.getList("actions.priority", Float.class);
        assertThat(priorities).hasSize(2);
        assertThat(priorities.get(0)).isGreaterThanOrEqualTo(priorities.get(1));
        assertThat(d.getList("actions.propensity")).doesNotContainNull();
        // Unknown profile (404 upstream): anonymous defaults, not degraded.
        assertThat(d.getBoolean("degraded")).isFalse();
        admin().get("/v1/actions").then().statusCode(200);
        as("decision-client").body(Map.of("profileId", profile, "channel", "app", "placement", placement)).post(
                "/v1/decisions").then().statusCode(200).body("actions", everyItem(notNullValue()))
                .body("actions.content.headline", everyItem(nullValue())).body("actions.actionId",
                        not(hasItem("none")));
    }
}
