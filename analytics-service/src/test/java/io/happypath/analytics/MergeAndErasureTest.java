package io.happypath.analytics;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.happypath.devstack.JwtTestResource;
import io.happypath.devstack.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** Merges re-key a profile's history to the survivor; erasure removes it, including facts still in flight. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(JwtTestResource.class)
class MergeAndErasureTest {

    @Test
    void mergeJoinsTheTwoHistoriesAndErasureRemovesThem() {
        try (Traffic t = new Traffic()) {
            String journey = "merge-" + t.run;
            String survivor = "survivor-" + t.run;
            String merged = "anon-" + t.run;
            String bystander = "other-" + t.run;
            // The store knows the survivor; the app knew the same person under another profile.
            t.track(survivor, "store", "Order Completed", t.at(10));
            t.stageEntered(survivor, journey, "purchased", "store", t.at(10));
            t.track(merged, "app", "Activation Started", t.at(20));
            t.stageEntered(merged, journey, "activating", "app", t.at(20));
            t.track(bystander, "web", "Product Viewed", t.at(5));
            t.stageEntered(bystander, journey, "purchased", "web", t.at(5));
            t.stageEntered(bystander, journey, "activating", "web", t.at(6));
            // A decision in an experiment for each profile, with the merged one converting.
            String experiment = "exp-merge-" + t.run;
            t.decision(survivor, experiment, "control", t.at(11));
            String d = t.decision(merged, experiment, "treatment", t.at(21));
            t.outcome(d, merged, "converted", t.at(22));

            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
                JsonPath f = funnel(t, journey);
                assertEquals(2, f.getInt("stages[0].entered"));
                assertEquals(1, f.getInt("stages[0].convertedToNext"));
                assertEquals(2, f.getInt("stages[1].entered"));
                experiment(experiment).then().body("variants.find { it.variant == 'treatment' }.converted", equalTo(1));
            });
            assertEquals(Map.of("0:store · Order Completed", 1L,
                    "0:app · Activation Started", 1L, "0:web · Product Viewed", 1L, "1:drop-off", 3L),
                    PathsAndFunnelTest.nodes(paths(t, journey)));

            t.merged(survivor, merged, t.at(30));
            // A late event of the merged profile lands on the survivor.
            t.track(merged, "app", "Activation Completed", t.at(40));

            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
                JsonPath s = paths(t, journey);
                assertEquals(Map.of(
                        "0:store · Order Completed → 1:app · Activation Started", 1L,
                        "1:app · Activation Started → 2:app · Activation Completed", 1L,
                        "2:app · Activation Completed → 3:drop-off", 1L,
                        "0:web · Product Viewed → 1:drop-off", 1L), PathsAndFunnelTest.links(s));
            });
            JsonPath f = funnel(t, journey);
            assertEquals(2, f.getInt("stages[0].entered"));
            assertEquals(2, f.getInt("stages[0].convertedToNext"),
                    "the survivor now converted: its purchase, the merged profile's activation");
            assertEquals(2, f.getInt("stages[1].entered"));
            // One person in the experiment, in the survivor's variant (the earlier exposure wins).
            experiment(experiment).then().statusCode(200)
                    .body("variants.find { it.variant == 'control' }.exposed", equalTo(1))
                    .body("variants.find { it.variant == 'control' }.converted", equalTo(1))
                    .body("variants.find { it.variant == 'treatment' }", org.hamcrest.Matchers.nullValue());

            t.erased(survivor, t.at(50));
            // Facts still in flight for either id are dropped.
            t.track(survivor, "web", "Page Viewed Late", t.at(60));
            t.track(merged, "web", "Page Viewed Late", t.at(61));
            t.stageEntered(merged, journey, "activated", "web", t.at(62));
            t.track(bystander, "web", "Checkout Started", t.at(63));

            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
                assertEquals(Map.of(
                        "0:web · Product Viewed → 1:web · Checkout Started", 1L,
                        "1:web · Checkout Started → 2:drop-off", 1L), PathsAndFunnelTest.links(paths(t, journey)));
            });
            JsonPath after = funnel(t, journey);
            assertEquals(List.of("purchased", "activating"), after.getList("stages.stage"));
            assertEquals(1, after.getInt("stages[0].entered"));
            assertEquals(1, after.getInt("stages[1].entered"));
            experiment(experiment).then().statusCode(404).body("error", equalTo("not_found"));
        }
    }

    static JsonPath funnel(Traffic t, String journey) {
        return given().auth().oauth2(JwtTestResource.token("analyst")).queryParam("from", t.from())
                .queryParam("to", t.to()).get("/v1/journeys/{id}/funnel", journey).then().statusCode(200).extract()
                .jsonPath();
    }

    static JsonPath paths(Traffic t, String journey) {
        return given().auth().oauth2(JwtTestResource.token("analyst")).queryParam("from", t.from())
                .queryParam("to", t.to()).queryParam("journey", journey).queryParam("steps", "4")
                .get("/v1/paths").then().statusCode(200).extract().body().jsonPath(Json.DOUBLES);
    }

    static io.restassured.response.Response experiment(String id) {
        return given().auth().oauth2(JwtTestResource.token("analyst")).get("/v1/experiments/{id}", id);
    }
}
