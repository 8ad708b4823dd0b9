package io.happypath.decision;

import static io.happypath.decision.TestApi.as;
import static io.happypath.decision.TestApi.decideOnWeb;
import static io.happypath.decision.TestApi.putAction;
import static io.happypath.decision.TestApi.stubProfile;
import static io.happypath.decision.TestApi.webAction;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.happypath.contracts.CloudEventTypes;
import io.happypath.contracts.Topics;
import io.happypath.decision.domain.Hashing;
import io.happypath.devstack.JwtTestResource;
import io.happypath.devstack.KafkaBrokerResource;
import io.happypath.devstack.KafkaTestClient;
import io.happypath.devstack.PrometheusText;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * The naive-Bayes adaptive model learning from outcome events on hp.events.v1 (track events that carry a
 * decisionId), what it tells {@code GET /v1/models}, and how it changes decisions and their explanations.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(JwtTestResource.class)
@WithTestResource(UpstreamStub.class)
class AdaptiveLearningTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    /** A profile outside this month's model control group, whose propensity would be random. */
    private static String modelProfile() {
        String month = YearMonth.now(ZoneOffset.UTC).toString();
        while (true) {
            String id = "p-" + UUID.randomUUID();
            if (Hashing.toProportion(id + ":" + month) >= 0.05) {
                return id;
            }
        }
    }

    private static String track(String profile, String event, Map<String, Object> properties) {
        return new io.vertx.core.json.JsonObject().put("type", "track").put("event", event)
                .put("messageId", UUID.randomUUID().toString()).put("profileId", profile).put("userId", profile)
                .put("timestamp", Instant.now().toString()).put("properties", properties).encode();
    }

    private static double metric(String series) {
        return PrometheusText.value(given().get("/q/metrics").then().statusCode(200).extract().asString(), series);
    }

    @Test
    void theModelSeparatesTwoStagesLearntFromTrackEvents() {
        String journey = "j-" + UUID.randomUUID();
        String placement = "nb-" + UUID.randomUUID();
        String offer = "nb-offer-" + UUID.randomUUID();
        putAction(offer, webAction("Upgrade", placement));
        String a = modelProfile();
        String b = modelProfile();
        stubProfile(a, Map.of("profile", Map.of("traits", Map.of()), "state", Map.of("journeys", Map.of(journey,
                Map.of("stage", "A", "status", "active")))));
        stubProfile(b, Map.of("profile", Map.of("traits", Map.of()), "state", Map.of("journeys", Map.of(journey,
                Map.of("stage", "B", "status", "active")))));
        JsonPath first = decideOnWeb(a, placement);
        assertThat(first.getList("actions.actionId")).containsExactly(offer);
        // A new model has nothing to explain yet.
        assertThat(first.getList("actions[0].explanation")).isEmpty();
        String decisionA = first.getString("decisionId");
        String decisionB = decideOnWeb(b, placement).getString("decisionId");

        String unknownSeries = "happypath_decision_outcomes_ignored_total{reason=\"unknown-decision\"}";
        String impressions = "happypath_decision_outcomes_total{action=\"" + offer + "\",outcome=\"impression\"}";
        double unknownBefore = metric(unknownSeries);
        try (KafkaTestClient kafka = new KafkaTestClient(bootstrapServers)) {
            // Stage A clicks 30 %, stage B 2 %: 200 responses each, interleaved.
            String firstEventId = UUID.randomUUID().toString();
            String firstEvent = track(a, "Offer Clicked", Map.of("decisionId", decisionA, "actionId", offer));
            kafka.sendCloudEvent(Topics.EVENTS, a, firstEventId, CloudEventTypes.TRACK, "/test", firstEvent);
            // A redelivery of the same event is learnt once.
            kafka.sendCloudEvent(Topics.EVENTS, a, firstEventId, CloudEventTypes.TRACK, "/test", firstEvent);
            for (int i = 0; i < 200; i++) {
                if (i > 0) {
                    kafka.sendCloudEvent(Topics.EVENTS, a, UUID.randomUUID().toString(), CloudEventTypes.TRACK,
                            "/test", track(a, i % 10 < 3 ? "Offer Clicked" : "Offer Dismissed",
                                    Map.of("decisionId", decisionA, "actionId", offer)));
                }
                // properties.outcome wins over the event name; the decision's only action needs no actionId.
                kafka.sendCloudEvent(Topics.EVENTS, b, UUID.randomUUID().toString(), CloudEventTypes.TRACK, "/test",
                        track(b, "Banner Interaction", Map.of("decisionId", decisionB, "outcome",
                                i % 50 == 0 ? "clicked" : "dismissed")));
            }
            kafka.sendCloudEvent(Topics.EVENTS, a, UUID.randomUUID().toString(), CloudEventTypes.TRACK, "/test",
                    track(a, "Offer Clicked", Map.of("decisionId", UUID.randomUUID().toString(), "actionId", offer)));
            // Impressions teach no model; they come last on each profile's partition and mark the end.
            kafka.sendCloudEvent(Topics.EVENTS, a, UUID.randomUUID().toString(), CloudEventTypes.TRACK, "/test",
                    track(a, "Offer Viewed", Map.of("decisionId", decisionA, "actionId", offer)));
            kafka.sendCloudEvent(Topics.EVENTS, b, UUID.randomUUID().toString(), CloudEventTypes.TRACK, "/test",
                    track(b, "Offer Viewed", Map.of("decisionId", decisionB)));
        }
        await().atMost(Duration.ofSeconds(120)).until(() -> metric(impressions) >= 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> metric(unknownSeries) >= unknownBefore + 1);

        JsonPath model = as("analyst").get("/v1/models/" + offer).then().statusCode(200).extract().jsonPath();
        assertThat(model.getString("actionId")).isEqualTo(offer);
        assertThat(model.getString("channels[0].channel")).isEqualTo("web");
        assertThat(model.getLong("channels[0].responses")).isEqualTo(400);
        assertThat(model.getLong("channels[0].positives")).isEqualTo(64);
        assertThat(model.getLong("channels[0].negatives")).isEqualTo(336);
        String stage = "channels[0].predictors.find { it.name == 'journey." + journey + "' }";
        assertThat(model.getBoolean(stage + ".active")).isTrue();
        // Bins A (60 of 200) and B (4 of 200): AUC = (1 + TPR − FPR) / 2 at the one threshold.
        assertThat(model.getDouble(stage + ".auc")).isCloseTo((1 + 60.0 / 64 - 140.0 / 336) / 2, within(1e-6))
                .isGreaterThan(0.6);
        assertThat(model.getLong(stage + ".bins.find { it.bin == 'A' }.positives")).isEqualTo(60);
        assertThat(model.getLong(stage + ".bins.find { it.bin == 'B' }.negatives")).isEqualTo(196);
        assertThat(model.getDouble(stage + ".bins.find { it.bin == 'A' }.contribution")).isPositive();
        assertThat(model.getDouble(stage + ".bins.find { it.bin == 'B' }.contribution")).isNegative();
        assertThat(model.getDouble(stage + ".bins.find { it.bin == 'A' }.propensity")).isCloseTo(0.3, within(0.01));
        assertThat(model.getBoolean("channels[0].predictors.find { it.name == 'placement' }.active")).isFalse();
        assertThat(model.getInt("channels[0].activePredictors")).isEqualTo(1);
        assertThat(model.getDouble("channels[0].auc")).isGreaterThan(0.6);
        List<Float> calibrated = model.getList("channels[0].classifier.propensity", Float.class);
        assertThat(calibrated).isNotEmpty().isSorted();
        assertThat(model.getList("channels[0].classifier.positives", Integer.class).stream()
                .mapToInt(Integer::intValue).sum()).isEqualTo(64);

        // Decisions follow: propensity in stage A is higher, and the journey stage explains why.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(decideOnWeb(a, placement)
                .getList("actions[0].explanation")).isNotEmpty());
        JsonPath inA = decideOnWeb(a, placement);
        JsonPath inB = decideOnWeb(b, placement);
        assertThat(inA.getString("experiment.variant")).isEqualTo("model");
        assertThat(inA.getDouble("actions[0].propensity")).isGreaterThan(inB.getDouble("actions[0].propensity"));
        assertThat(inA.getDouble("actions[0].propensity")).isBetween(0.15, 0.45);
        assertThat(inB.getDouble("actions[0].propensity")).isLessThan(0.1);
        assertThat(inA.getString("actions[0].explanation[0].predictor")).isEqualTo("journey." + journey);
        assertThat(inA.getString("actions[0].explanation[0].bin")).isEqualTo("A");
        assertThat(inA.getDouble("actions[0].explanation[0].contribution")).isPositive();
        assertThat(inB.getDouble("actions[0].explanation[0].contribution")).isNegative();
    }

    @Test
    void modelsAreListedAndGuarded() {
        String placement = "list-" + UUID.randomUUID();
        String offer = "listed-" + UUID.randomUUID();
        putAction(offer, webAction("Upgrade", placement));
        // In the catalogue, no responses yet: an empty model.
        as("analyst").get("/v1/models/" + offer).then().statusCode(200).body("channels.channel", equalTo(List.of(
                "web"))).body("channels[0].responses", equalTo(0)).body("channels[0].propensity", equalTo(0.5f))
                .body("channels[0].auc", equalTo(0.5f)).body("channels[0].predictors", equalTo(List.of()));
        String decisionId = decideOnWeb(modelProfile(), placement).getString("decisionId");
        as("decision-client").body(Map.of("actionId", offer, "outcome", "clicked"))
                .post("/v1/decisions/" + decisionId + "/outcomes").then().statusCode(202);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> as("admin").get("/v1/models").then()
                .statusCode(200).body("actionId", hasItem(offer)));
        JsonPath list = as("analyst").get("/v1/models").then().statusCode(200).extract().jsonPath();
        String entry = "find { it.actionId == '" + offer + "' }";
        assertThat(list.getString(entry + ".channel")).isEqualTo("web");
        assertThat(list.getInt(entry + ".positives")).isEqualTo(1);
        assertThat(list.getInt(entry + ".responses")).isEqualTo(1);
        assertThat(list.getDouble(entry + ".propensity")).isCloseTo(0.75, within(1e-6));
        JsonPath one = as("analyst").get("/v1/models/" + offer).then().statusCode(200).extract().jsonPath();
        assertThat(one.getList("channels[0].predictors.name")).contains("placement", "profile.known",
                "emotion.frustration");
        assertThat(one.getString("channels[0].predictors.find { it.name == 'placement' }.bins[0].bin"))
                .isEqualTo(placement);
        assertThat(one.getMap("channels[0].predictors[0].bins[0]")).containsKeys("bin", "positives", "negatives",
                "propensity", "contribution", "pooled");

        as("analyst").get("/v1/models/unknown-" + UUID.randomUUID()).then().statusCode(404)
                .body("error", equalTo("not_found"));
        as("decision-client").get("/v1/models").then().statusCode(403).body("error", equalTo("forbidden"));
        as("decision-client").get("/v1/models/" + offer).then().statusCode(403);
        given().get("/v1/models").then().statusCode(401);
        given().get("/v1/models/" + offer).then().statusCode(401);
        given().auth().oauth2("not-a-token").get("/v1/models").then().statusCode(401);
    }
}
