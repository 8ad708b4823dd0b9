package io.happypath.decision;

import static io.happypath.decision.TestApi.admin;
import static io.happypath.decision.TestApi.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.happypath.devstack.JwtTestResource;
import io.happypath.devstack.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The action catalogue over REST, stored in PostgreSQL: CRUD, rule compilation, validation and roles. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(JwtTestResource.class)
@WithTestResource(UpstreamStub.class)
class ActionCatalogueTest {

    private static Map<String, Object> action(String name) {
        return Map.of("name", name, "group", "sales", "issue", "grow", "channels", List.of("web", "app"),
                "placements", List.of("cat-" + UUID.randomUUID()),
                "eligibility", "profile.known || !profile.known", "value", 2.5, "weight", 10,
                "content", Map.of("web", Map.of("headline", "New phone")), "product", "phone");
    }

    @Test
    void createsReplacesListsAndDeletes() {
        String id = "act-" + UUID.randomUUID();
        admin().body(action("First")).put("/v1/actions/" + id).then().statusCode(201)
                .body("id", equalTo(id)).body("name", equalTo("First")).body("value", equalTo(2.5f));
        admin().body(action("Second")).put("/v1/actions/" + id).then().statusCode(200).body("name", equalTo("Second"));
        as("analyst").get("/v1/actions").then().statusCode(200).body("id", hasItem(id));
        as("analyst").get("/v1/actions/" + id).then().statusCode(200).body("name", equalTo("Second"))
                .body("content.web.headline", equalTo("New phone")).body("group", equalTo("sales"));
        admin().delete("/v1/actions/" + id).then().statusCode(204);
        as("analyst").get("/v1/actions").then().statusCode(200).body("id", not(hasItem(id)));
        admin().delete("/v1/actions/" + id).then().statusCode(404).body("error", equalTo("not_found"));
        as("analyst").get("/v1/actions/" + id).then().statusCode(404);
    }

    @Test
    void aRuleThatDoesNotCompileIsA400NamingTheRule() {
        Map<String, Object> bad = new java.util.HashMap<>(action("Bad"));
        bad.put("suitability", "state.emotion.frustration <");
        admin().body(bad).put("/v1/actions/bad-" + UUID.randomUUID()).then().statusCode(400)
                .body("error", equalTo("invalid_rule"))
                .body("message", containsString("'suitability'"))
                .body("details[0].rule", equalTo("suitability"));
        bad.put("suitability", "1 + 2");
        admin().body(bad).put("/v1/actions/bad-" + UUID.randomUUID()).then().statusCode(400)
                .body("error", equalTo("invalid_rule")).body("message", containsString("not a bool"));
        bad.remove("suitability");
        bad.put("eligibility", "unknownVar.x == 1");
        admin().body(bad).put("/v1/actions/bad-" + UUID.randomUUID()).then().statusCode(400)
                .body("details[0].rule", equalTo("eligibility"));
    }

    @Test
    void rejectsInvalidActionsPrecisely() {
        String id = "bad-" + UUID.randomUUID();
        admin().body(Map.of("group", "sales", "channels", List.of("web"))).put("/v1/actions/" + id).then()
                .statusCode(400).body("error", equalTo("invalid_action")).body("message", containsString("name"));
        admin().body(Map.of("name", "x", "group", "sales", "channels", List.of("fax"))).put("/v1/actions/" + id)
                .then().statusCode(400).body("message", containsString("unknown channel 'fax'"));
        admin().body(Map.of("name", "x", "group", "sales", "channels", List.of())).put("/v1/actions/" + id)
                .then().statusCode(400).body("error", equalTo("invalid_action"));
        admin().body(Map.of("name", "x", "group", "sales", "channels", List.of("web"), "value", -1))
                .put("/v1/actions/" + id).then().statusCode(400).body("message", containsString("value"));
        admin().body(Map.of("id", "other", "name", "x", "group", "sales", "channels", List.of("web")))
                .put("/v1/actions/" + id).then().statusCode(400).body("error", equalTo("id_mismatch"));
        admin().body("{\"name\": \"x\", ").put("/v1/actions/" + id).then().statusCode(400)
                .body("error", equalTo("malformed_json"));
        admin().body("{\"name\": \"x\", \"group\": \"sales\", \"channels\": [\"web\"], \"value\": \"lots\"}")
                .put("/v1/actions/" + id).then().statusCode(400).body("error", equalTo("invalid_field"))
                .body("message", containsString("value"));
        admin().body(Map.of("name", "x", "group", "sales", "channels", List.of("web"))).put("/v1/actions/bad id")
                .then().statusCode(400).body("error", equalTo("invalid_id"));
        admin().put("/v1/actions/" + id).then().statusCode(400).body("error", equalTo("missing_body"));
        admin().body(Map.of("name", "x", "group", "sales", "channels", List.of("web"),
                "triggers", List.of(Map.of("on", "journey.completed")))).put("/v1/actions/" + id).then()
                .statusCode(400).body("message", containsString("journey.completed"));
        as("analyst").get("/v1/actions/" + id).then().statusCode(404);
    }

    @Test
    void onlyAdminsWriteAndNobodyWithoutAToken() {
        String id = "auth-" + UUID.randomUUID();
        given().contentType("application/json").body(action("x")).put("/v1/actions/" + id).then().statusCode(401)
                .body("error", equalTo("unauthorized"));
        as("analyst").body(action("x")).put("/v1/actions/" + id).then().statusCode(403)
                .body("error", equalTo("forbidden"));
        as("decision-client").get("/v1/actions").then().statusCode(403);
    }
}
