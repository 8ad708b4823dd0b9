package io.happypath.analytics;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.happypath.devstack.JwtTestResource;
import io.happypath.devstack.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Channel effectiveness with both baselines, on designed profiles: the lift over the stage's profiles not touched on
 * the channel, and the lift over the stage's profiles held out by an experiment.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(JwtTestResource.class)
class ChannelHoldoutTest {

    @Test
    void liftOverUntouchedAndOverTheHoldout() {
        Traffic t = new Traffic();
        String journey = "holdout-" + t.run;
        String experiment = "holdout-exp-" + t.run;
        try (t) {
            // 40 buyers; by i % 4: 0 held out and touched in the app (advance), 1 held out, untouched (stay),
            // 2 treated and touched (advance), 3 treated, untouched (every other one advances).
            for (int i = 0; i < 40; i++) {
                String p = "ho-" + t.run + "-" + i;
                int r = i % 4;
                t.decision(p, experiment, r < 2 ? "control" : "treatment", t.at(i));
                t.stageEntered(p, journey, "purchased", "store", t.at(i));
                if (r == 0 || r == 2) {
                    t.track(p, "app", "Tutorial Opened", t.at(i + 1));
                }
                if (r == 0 || r == 2 || i % 8 == 3) {
                    t.stageEntered(p, journey, "activated", "app", t.at(i + 5));
                }
            }
        }
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().untilAsserted(() -> {
            JsonPath c = channels(t, journey, Map.of("holdout", experiment));
            assertEquals(40, c.getInt("stages[0].profiles"));
            assertEquals(25, c.getInt("stages[0].advanced"));
            assertEquals(20, c.getInt("stages[0].channels.find { it.channel == 'app' }.touched"));
            assertEquals(20, c.getInt("stages[0].holdout.profiles"));
        });
        JsonPath c = channels(t, journey, Map.of("holdout", experiment));
        Map<String, Object> app = c.getMap("stages[0].channels.find { it.channel == 'app' }");
        assertEquals(20, ((Number) app.get("advanced")).intValue());
        assertEquals(1.0, ((Number) app.get("rate")).doubleValue(), 1e-12);
        // Untouched: 20 profiles, 5 advanced.
        assertEquals(0.25, ((Number) app.get("untouchedRate")).doubleValue(), 1e-12);
        assertEquals(0.75, ((Number) app.get("lift")).doubleValue(), 1e-12);
        assertEquals("untouched", app.get("baseline"));
        // Held out: 20 profiles, 10 advanced.
        assertEquals(experiment, c.getString("stages[0].holdout.experimentId"));
        assertEquals("control", c.getString("stages[0].holdout.variant"));
        assertEquals(10, c.getInt("stages[0].holdout.advanced"));
        assertEquals(0.5, c.getDouble("stages[0].holdout.rate"), 1e-12);
        assertEquals(0.5, ((Number) app.get("liftOverHoldout")).doubleValue(), 1e-12);
        assertEquals("holdout: experiment " + experiment + ", variant control", app.get("holdoutBaseline"));

        // Another variant as the holdout: the treated, 15 of 20 advanced.
        JsonPath treated = channels(t, journey, Map.of("holdout", experiment, "holdoutVariant", "treatment"));
        assertEquals(0.75, treated.getDouble("stages[0].holdout.rate"), 1e-12);
        assertEquals(0.25, treated.getDouble("stages[0].channels.find { it.channel == 'app' }.liftOverHoldout"), 1e-12);

        // Without a holdout only the untouched baseline is there.
        JsonPath plain = channels(t, journey, Map.of());
        assertNull(plain.get("stages[0].holdout"));
        assertNull(plain.get("stages[0].channels.find { it.channel == 'app' }.liftOverHoldout"));
        assertEquals(0.75, plain.getDouble("stages[0].channels.find { it.channel == 'app' }.lift"), 1e-12);

        given().auth().oauth2(JwtTestResource.token("analyst")).queryParam("holdout", "no-such-experiment-" + t.run)
                .get("/v1/journeys/{id}/channels", journey).then().statusCode(404).body("error", equalTo("not_found"));
        given().auth().oauth2(JwtTestResource.token("analyst")).queryParam("holdoutVariant", "control")
                .get("/v1/journeys/{id}/channels", journey).then().statusCode(400)
                .body("details[0].parameter", equalTo("holdoutVariant"));
    }

    static JsonPath channels(Traffic t, String journey, Map<String, String> params) {
        return given().auth().oauth2(JwtTestResource.token("analyst")).queryParam("from", t.from())
                .queryParam("to", t.to()).queryParam("window", "PT1H").queryParams(params)
                .get("/v1/journeys/{id}/channels", journey).then().statusCode(200).extract().body().jsonPath(Json.DOUBLES);
    }
}
