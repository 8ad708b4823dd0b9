package io.happypath.journey.rest;

import static io.happypath.journey.TestApi.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.happypath.devstack.JwtTestResource;
import io.happypath.devstack.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** CRUD of journeys and segments with validation, roles and bad input, against the real PostgreSQL. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(JwtTestResource.class)
class JourneyApiTest {

    static String journey(String id) {
        return """
                {"id": "%s", "name": "Test",
                 "stages": [
                   {"id": "a", "enterOn": {"event": "A", "when": "event.properties.x == 1"}},
                   {"id": "b", "enterOn": {"event": "B"}, "expectNextWithin": "PT1H"},
                   {"id": "c", "enterOn": {"event": "C"}}],
                 "happyPath": ["a", "b", "c"],
                 "exitOn": [{"event": "Z"}],
                 "signals": [{"id": "s1", "setOn": {"event": "S"}, "clearOn": {"event": "T"}}]}
                """.formatted(id);
    }

    @Test
    void createReplaceReadListDelete() {
        String id = "j-" + UUID.randomUUID();
        as("admin").body(journey(id)).put("/v1/journeys/" + id).then().statusCode(201).body("id", equalTo(id))
                .body("version", equalTo(1)).body("stages[1].expectNextWithin", equalTo("PT1H"));
        as("admin").body(journey(id).replace("\"Test\"", "\"Renamed\"")).put("/v1/journeys/" + id).then().statusCode(200)
                .body("version", equalTo(2)).body("name", equalTo("Renamed"));
        as("analyst").get("/v1/journeys/" + id).then().statusCode(200).body("name", equalTo("Renamed"))
                .body("happyPath", hasItems("a", "b", "c"));
        as("analyst").get("/v1/journeys").then().statusCode(200).body("id", hasItems(id, "lifecycle", "phone-onboarding"));
        as("analyst").get("/v1/journeys/" + id + "/live").then().statusCode(200).body("stages.a", equalTo(0))
                .body("stalled", equalTo(0));
        as("admin").delete("/v1/journeys/" + id).then().statusCode(204);
        as("analyst").get("/v1/journeys/" + id).then().statusCode(404).body("error", equalTo("not_found"));
        as("admin").delete("/v1/journeys/" + id).then().statusCode(404);
        // Re-created after a delete: a new version, reported as created.
        as("admin").body(journey(id)).put("/v1/journeys/" + id).then().statusCode(201).body("version", equalTo(4));
        as("admin").delete("/v1/journeys/" + id).then().statusCode(204); // every event would evaluate it in later runs
    }

    @Test
    void theShippedJourneysAreInstalled() {
        as("analyst").get("/v1/journeys/lifecycle").then().statusCode(200)
                .body("happyPath", equalTo(java.util.List.of("awareness", "consideration", "purchase", "usage", "loyalty")));
        as("analyst").get("/v1/journeys/phone-onboarding").then().statusCode(200)
                .body("stages[1].expectNextWithin", equalTo("PT48H"));
    }

    @Test
    void unknownStageInTheHappyPathIsNamed() {
        String id = "j-" + UUID.randomUUID();
        as("admin").body(journey(id).replace("[\"a\", \"b\", \"c\"]", "[\"a\", \"x\"]")).put("/v1/journeys/" + id)
                .then().statusCode(400).body("error", equalTo("invalid_definition"))
                .body("message", containsString("happyPath[1]: unknown stage 'x'"))
                .body("details.field", hasItem("happyPath[1]"));
        as("analyst").get("/v1/journeys/" + id).then().statusCode(404);
    }

    @Test
    void duplicateIdsAreNamed() {
        String id = "j-" + UUID.randomUUID();
        as("admin").body(journey(id).replace("{\"id\": \"c\"", "{\"id\": \"a\"")).put("/v1/journeys/" + id).then()
                .statusCode(400).body("details.field", hasItem("stages[2].id"))
                .body("message", containsString("duplicate stage id 'a'"));
    }

    @Test
    void conditionThatDoesNotCompileIsNamed() {
        String id = "j-" + UUID.randomUUID();
        as("admin").body(journey(id).replace("event.properties.x == 1", "event.properties.x ==")).put("/v1/journeys/" + id)
                .then().statusCode(400).body("details.field", hasItem("stages[0].enterOn.when"))
                .body("message", containsString("does not compile"));
    }

    @Test
    void badDurationIsNamed() {
        String id = "j-" + UUID.randomUUID();
        as("admin").body(journey(id).replace("PT1H", "one hour")).put("/v1/journeys/" + id).then().statusCode(400)
                .body("details.field", hasItem("stages[1].expectNextWithin"))
                .body("message", containsString("ISO-8601"));
    }

    @Test
    void idMismatchMalformedJsonAndWrongTypes() {
        String id = "j-" + UUID.randomUUID();
        as("admin").body(journey("other")).put("/v1/journeys/" + id).then().statusCode(400)
                .body("details.field", hasItem("id"));
        as("admin").body("{\"id\": ").put("/v1/journeys/" + id).then().statusCode(400).body("error", equalTo("malformed_json"));
        as("admin").body("{\"stages\": \"many\"}").put("/v1/journeys/" + id).then().statusCode(400)
                .body("error", equalTo("invalid_field"));
        as("admin").body("{}").put("/v1/journeys/" + id).then().statusCode(400).body("details.field", hasItem("stages"));
        as("admin").body(journey("bad id")).put("/v1/journeys/bad%20id").then().statusCode(400)
                .body("details.field", hasItem("id"));
    }

    @Test
    void rolesAreEnforced() {
        String id = "j-" + UUID.randomUUID();
        given().contentType("application/json").body(journey(id)).put("/v1/journeys/" + id).then().statusCode(401)
                .body("error", equalTo("unauthorized"));
        as("analyst").body(journey(id)).put("/v1/journeys/" + id).then().statusCode(403).body("error", equalTo("forbidden"));
        as("decision-client").get("/v1/journeys").then().statusCode(403);
        as("analyst").delete("/v1/journeys/lifecycle").then().statusCode(403);
        as("analyst").body("{\"when\": \"true\"}").put("/v1/segments/x").then().statusCode(403);
    }

    @Test
    void segmentsCrudAndValidation() {
        String id = "s-" + UUID.randomUUID();
        as("admin").body("{\"name\": \"VIP\", \"when\": \"has(profile.traits.tier) && profile.traits.tier == 'gold'\"}")
                .put("/v1/segments/" + id).then().statusCode(201).body("id", equalTo(id)).body("version", equalTo(1))
                .body("members", equalTo(0));
        as("analyst").get("/v1/segments").then().statusCode(200).body("id", hasItem(id));
        as("analyst").get("/v1/segments/" + id).then().statusCode(200).body("name", equalTo("VIP"));
        as("admin").body("{\"when\": \"profile.traits.tier ==\"}").put("/v1/segments/" + id).then().statusCode(400)
                .body("details.field", hasItem("when")).body("message", containsString("does not compile"));
        as("admin").body("{\"when\": \"event.name == 'x'\"}").put("/v1/segments/" + id).then().statusCode(400)
                .body("message", containsString("event"));
        as("admin").body("{\"name\": \"no condition\"}").put("/v1/segments/" + id).then().statusCode(400)
                .body("details.field", hasItem("when"));
        as("admin").body("{\"when\": 5}").put("/v1/segments/" + id).then().statusCode(400);
        as("admin").delete("/v1/segments/" + id).then().statusCode(204);
        as("analyst").get("/v1/segments/" + id).then().statusCode(404);
    }

    @Test
    void unknownProfileStateIs404() {
        as("analyst").get("/v1/profiles/" + UUID.randomUUID() + "/state").then().statusCode(404)
                .body("error", equalTo("not_found"));
        given().get("/v1/profiles/x/state").then().statusCode(401);
    }

    @Test
    void decisionClientsMayReadStateButNotDefinitions() {
        // decision-service forwards its caller's decision-client token when it has no service token of its own.
        as("decision-client").get("/v1/profiles/" + UUID.randomUUID() + "/state").then().statusCode(404)
                .body("error", equalTo("not_found"));
        as("decision-client").get("/v1/segments").then().statusCode(403).body("error", equalTo("forbidden"));
        as("decision-client").get("/v1/journeys/lifecycle/live").then().statusCode(403);
    }
}
