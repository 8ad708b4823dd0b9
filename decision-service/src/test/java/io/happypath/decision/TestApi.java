package io.happypath.decision;

import static io.restassured.RestAssured.given;

import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;

import io.happypath.devstack.JwtTestResource;
import io.restassured.http.ContentType;
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
}
