package io.happypath.decision;

import static io.happypath.decision.TestApi.admin;
import static io.happypath.decision.TestApi.as;
import static io.happypath.decision.TestApi.putAction;
import static io.happypath.decision.TestApi.stubProfile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
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
 * Experiments (CRUD, stable assignment, in the response) and push mode (a stall requests exactly one action).
 * Experiments run on channel {@code store} and push on {@code sms}, which no other test class decides on.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(JwtTestResource.class)
@WithTestResource(UpstreamStub.class)
class ExperimentsAndPushTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void experimentsAssignStableVariantsAndShowThem() {
        String experiment = "exp-" + UUID.randomUUID();
        String placement = "counter-" + UUID.randomUUID();
        admin().body(Map.of("name", "Store offers", "channels", List.of("store"), "placements", List.of(placement),
                "variants", List.of(
                        Map.of("id", "treatment", "weight", 3), Map.of("id", "control", "weight", 1, "propensity", "random"))))
                .put("/v1/experiments/" + experiment).then().statusCode(201).body("id", equalTo(experiment));
        try {
            assignsStably(experiment, placement);
        } finally {
            admin().delete("/v1/experiments/" + experiment).then().statusCode(204);
        }
        as("decision-client").body(Map.of("profileId", "p-" + UUID.randomUUID(), "channel", "store", "placement",
                placement)).post("/v1/decisions").then().statusCode(200).body("experiment.id",
                        equalTo("model-control"))
                .body("experiment.share", notNullValue());
    }

    private void assignsStably(String experiment, String placement) {
        as("analyst").get("/v1/experiments").then().statusCode(200).body("id", hasItem(experiment));
        int control = 0;
        for (int i = 0; i < 40; i++) {
            String profile = "p-" + UUID.randomUUID();
            Map<String, Object> request = Map.of("profileId", profile, "channel", "store", "placement", placement);
            JsonPath first = as("decision-client").body(request).post("/v1/decisions").then().statusCode(200)
                    .extract().jsonPath();
            JsonPath second = as("decision-client").body(request).post("/v1/decisions").then().statusCode(200)
                    .extract().jsonPath();
            assertThat(first.getString("experiment.id")).isEqualTo(experiment);
            assertThat(second.getString("experiment.variant")).isEqualTo(first.getString("experiment.variant"));
            boolean isControl = "control".equals(first.getString("experiment.variant"));
            // Each assignment carries its variant's configured share, for the sample-ratio check downstream.
            assertThat(first.getDouble("experiment.share")).isEqualTo(isControl ? 0.25 : 0.75);
            control += isControl ? 1 : 0;
        }
        // 40 draws at 1 in 4: both variants occur (fails with probability 0.75^40 + 0.25^40, about 1e-5).
        assertThat(control).isBetween(1, 39);
    }

    @Test
    void invalidExperimentsAreRejected() {
        String id = "bad-" + UUID.randomUUID();
        admin().body(Map.of("name", "x", "variants", List.of())).put("/v1/experiments/" + id).then().statusCode(400)
                .body("error", equalTo("invalid_experiment")).body("message", containsString("variants"));
        admin().body(Map.of("variants", List.of(Map.of("id", "a", "weight", 0)))).put("/v1/experiments/" + id)
                .then().statusCode(400).body("message", containsString("weight"));
        admin().body(Map.of("variants", List.of(Map.of("id", "a", "weight", 1, "propensity", "psychic"))))
                .put("/v1/experiments/" + id).then().statusCode(400).body("message", containsString("propensity"));
        admin().body("{\"variants\": 3}").put("/v1/experiments/" + id).then().statusCode(400)
                .body("error", equalTo("invalid_field"));
        admin().delete("/v1/experiments/" + id).then().statusCode(404);
    }

    @Test
    void aStallTriggersExactlyOnePushedAction() {
        String journey = "phone-onboarding-" + UUID.randomUUID();
        String nudge = "activation-nudge-" + UUID.randomUUID();
        String marker = "marker-" + UUID.randomUUID();
        Map<String, Object> a = new HashMap<>();
        a.put("name", "Finish your activation");
        a.put("group", "service");
        a.put("channels", List.of("sms"));
        a.put("value", 1000);
        a.put("content", Map.of("sms", Map.of("text", "Need help activating your phone?")));
        a.put("triggers", List.of(Map.of("on", "journey.stalled", "journey", journey, "stage", "activating")));
        a.put("eligibility", "context.journey == '" + journey + "' && context.stage == 'activating'");
        putAction(nudge, a);
        Map<String, Object> m = new HashMap<>(a);
        m.put("eligibility", "context.journey == '" + journey + "' && context.stage == 'marker'");
        m.put("triggers", List.of(Map.of("on", "journey.stalled", "journey", journey, "stage", "marker")));
        m.put("value", 1000);
        putAction(marker, m);
        // Worth far more on the same channel, but no answer to the stall: it must not take the push's place.
        String offer = "sms-offer-" + UUID.randomUUID();
        Map<String, Object> o = new HashMap<>(a);
        o.remove("triggers");
        o.put("group", "sales");
        o.put("value", 100_000);
        o.remove("eligibility");
        putAction(offer, o);
        String profile = "p-" + UUID.randomUUID();
        stubProfile(profile, Map.of("profile", Map.of("traits", Map.of())));
        try (KafkaTestClient kafka = new KafkaTestClient(bootstrapServers)) {
            pushesOnce(kafka, profile, journey, nudge, marker);
        } finally {
            admin().delete("/v1/actions/" + nudge).then().statusCode(204);
            admin().delete("/v1/actions/" + marker).then().statusCode(204);
            admin().delete("/v1/actions/" + offer).then().statusCode(204);
        }
    }

    @Test
    void aStallWaitsForALiveStateThatIsBrieflyUnavailable() {
        String journey = "phone-onboarding-" + UUID.randomUUID();
        String help = "activation-help-" + UUID.randomUUID();
        Map<String, Object> a = new HashMap<>();
        a.put("name", "Activation help");
        a.put("group", "service");
        a.put("channels", List.of("email"));
        a.put("triggers", List.of(Map.of("on", "journey.stalled", "journey", journey, "stage", "activating")));
        a.put("eligibility", "has(state.journeys) && '" + journey + "' in state.journeys && state.journeys['"
                + journey + "'].stage == 'activating'");
        putAction(help, a);
        String profile = "p-" + UUID.randomUUID();
        // journey-state-service answers 503 to the first reads (a restart, a blip): a decision without the state would
        // find the action ineligible and push nothing.
        stubProfile(profile, Map.of("profile", Map.of("traits", Map.of()), "stateFailures", 4,
                "state", Map.of("journeys", Map.of(journey, Map.of("stage", "activating", "status", "stalled")))));
        try (KafkaTestClient kafka = new KafkaTestClient(bootstrapServers)) {
            kafka.sendCloudEvent(Topics.JOURNEY, profile, UUID.randomUUID().toString(),
                    CloudEventTypes.JOURNEY_STALLED, "/test", stall(profile, journey, "activating"));
            var pushed = kafka.read(Topics.ACTIONS, r -> profile.equals(r.key()), 1, Duration.ofSeconds(60));
            assertThat(pushed).hasSize(1);
            assertThat(JsonPath.from(pushed.get(0).value()).getString("actionId")).isEqualTo(help);
        } finally {
            admin().delete("/v1/actions/" + help).then().statusCode(204);
        }
    }

    private void pushesOnce(KafkaTestClient kafka, String profile, String journey, String nudge, String marker) {
        String eventId = UUID.randomUUID().toString();
        {
            String stall = stall(profile, journey, "activating");
            kafka.sendCloudEvent(Topics.JOURNEY, profile, eventId, CloudEventTypes.JOURNEY_STALLED, "/test", stall);
            // The same event again (a redelivery), then a marker for the same profile, processed after it.
            kafka.sendCloudEvent(Topics.JOURNEY, profile, eventId, CloudEventTypes.JOURNEY_STALLED, "/test", stall);
            kafka.sendCloudEvent(Topics.JOURNEY, profile, UUID.randomUUID().toString(),
                    CloudEventTypes.JOURNEY_STALLED, "/test", stall(profile, journey, "marker"));
            var requested = kafka.read(Topics.ACTIONS, r -> profile.equals(r.key())
                    && r.value().contains(marker), 1, Duration.ofSeconds(60));
            assertThat(requested).hasSize(1);
            var nudges = kafka.read(Topics.ACTIONS, r -> profile.equals(r.key()), 2, Duration.ofSeconds(30));
            List<JsonPath> pushed = nudges.stream().map(r -> JsonPath.from(r.value())).toList();
            assertThat(pushed.stream().filter(p -> nudge.equals(p.getString("actionId")))).hasSize(1);
            JsonPath p = pushed.stream().filter(x -> nudge.equals(x.getString("actionId"))).findFirst().orElseThrow();
            assertThat(p.getString("channel")).isEqualTo("sms");
            assertThat(p.getString("content.text")).isEqualTo("Need help activating your phone?");
            assertThat(p.getString("decisionId")).isNotBlank();
            assertThat(p.getString("trigger")).isEqualTo(CloudEventTypes.JOURNEY_STALLED);
            assertThat(KafkaTestClient.header(nudges.get(0), "ce_type")).isEqualTo(CloudEventTypes.ACTION_REQUESTED);
        }
    }

    private static String stall(String profile, String journey, String stage) {
        return "{\"profileId\":\"" + profile + "\",\"journeyId\":\"" + journey + "\",\"stage\":\"" + stage
                + "\",\"since\":\"" + Instant.now().minus(Duration.ofHours(49)) + "\",\"expectedWithin\":\"PT48H\","
                + "\"at\":\"" + Instant.now() + "\"}";
    }
}
