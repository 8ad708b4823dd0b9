package io.happypath.e2e;

import static io.restassured.RestAssured.given;

import java.net.URI;
import java.util.List;
import java.util.Map;

import io.restassured.path.json.JsonPath;

/** The services' public REST APIs as the e2e tests call them. */
final class Api {

    private Api() {
    }

    /** GET with an analyst token, expecting {@code status}. */
    static JsonPath get(URI service, String pathAndQuery, int status) {
        return given().baseUri(service.toString()).auth().oauth2(Stack.token("analyst")).urlEncodingEnabled(false)
                .get(pathAndQuery).then().statusCode(status).extract().jsonPath();
    }

    /** The profile an identifier belongs to, or null while identity-service does not know it. */
    static String profileOf(String type, String value) {
        var r = given().baseUri(Stack.IDENTITY.toString()).auth().oauth2(Stack.token("analyst"))
                .get("/v1/identities/" + type + "/" + value);
        return r.statusCode() == 200 ? r.jsonPath().getString("profileId") : null;
    }

    /** Defines a journey whose happy path is its stages in order. */
    static void putJourney(String journeyId, List<Map<String, Object>> stages) {
        given().baseUri(Stack.JOURNEYS.toString()).auth().oauth2(Stack.token("admin")).contentType("application/json")
                .body(Map.of("id", journeyId, "name", "e2e " + journeyId, "stages", stages, "happyPath",
                        stages.stream().map(s -> s.get("id")).toList()))
                .put("/v1/journeys/" + journeyId).then().statusCode(201);
    }

    /** A stage entered on an event when a condition holds. */
    static Map<String, Object> stage(String id, String event, String when) {
        return Map.of("id", id, "enterOn", Map.of("event", event, "when", when));
    }

    /** A stage entered on an event by profiles already in the journey. */
    static Map<String, Object> nextStage(String journeyId, String id, String event) {
        return stage(id, event, "'" + journeyId + "' in state.journeys");
    }
}
