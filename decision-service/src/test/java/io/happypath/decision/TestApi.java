package io.happypath.decision;

import static io.restassured.RestAssured.given;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;

import io.happypath.devstack.JwtTestResource;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

/** Small helpers shared by the @QuarkusTest classes of this module. */
final class TestApi {

    private TestApi() {
    }

    static RequestSpecification as(String role) {
        return given().auth().oauth2(JwtTestResource.token(role)).contentType(ContentType.JSON);
    }

    static RequestSpecification admin() {
        return as("admin");
    }

    /** Registers a profile with the upstream stub: its traits, live state and identifiers. */
    static void stubProfile(String profileId, Map<String, Object> definition) {
        String url = ConfigProvider.getConfig().getValue("happypath.test.upstream-stub.url", String.class);
        given().contentType(ContentType.JSON).body(definition).put(url + "/_stub/profiles/" + profileId).then()
                .statusCode(204);
    }

    /** Stores an action (admin) and expects 200 or 201. */
    static void putAction(String id, Map<String, Object> action) {
        admin().body(action).put("/v1/actions/" + id).then().statusCode(org.hamcrest.Matchers.anyOf(
                org.hamcrest.Matchers.is(200), org.hamcrest.Matchers.is(201)));
    }

    /** A retention action offered on the web at {@code placement}, with no rules. */
    static Map<String, Object> webAction(String name, String placement) {
        Map<String, Object> a = new HashMap<>();
        a.put("name", name);
        a.put("group", "retention");
        a.put("channels", List.of("web"));
        a.put("placements", List.of(placement));
        return a;
    }

    /** A web decision for a known profile id at {@code placement} (decision-client), expecting 200. */
    static JsonPath decideOnWeb(String profile, String placement) {
        return as("decision-client").body(Map.of("profileId", profile, "channel", "web", "placement", placement))
                .post("/v1/decisions").then().statusCode(200).extract().jsonPath();
    }
}
