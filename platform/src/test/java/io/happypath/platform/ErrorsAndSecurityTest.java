package io.happypath.platform;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import io.happypath.devstack.JwtTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(JwtTestResource.class)
class ErrorsAndSecurityTest {

    @Test
    void missingTokenIs401WithJsonBody() {
        given().when().get("/test/admin")
                .then().statusCode(401).body("error", equalTo("unauthorized")).body("message", containsString("Bearer"));
    }

    @Test
    void garbageTokenIs401() {
        given().auth().oauth2("not-a-jwt").when().get("/test/admin")
                .then().statusCode(401).body("error", equalTo("invalid_token"));
    }

    @Test
    void tokenWithoutTheRoleIs403() {
        given().auth().oauth2(JwtTestResource.token("analyst")).when().get("/test/admin")
                .then().statusCode(403).body("error", equalTo("forbidden"));
    }

    @Test
    void tokenWithTheRoleIsAccepted() {
        given().auth().oauth2(JwtTestResource.token("admin")).when().get("/test/admin")
                .then().statusCode(200).body("ok", equalTo("admin"));
        given().auth().oauth2(JwtTestResource.token("analyst")).when().get("/test/read")
                .then().statusCode(200).body("ok", equalTo("read"));
    }

    @Test
    void malformedJsonIs400NamingTheProblem() {
        given().contentType("application/json").body("{\"id\": ").when().post("/test/items")
                .then().statusCode(400).body("error", equalTo("malformed_json")).body("message", containsString("line 1"));
    }

    @Test
    void wrongTypeIs400() {
        given().contentType("application/json").body("{\"id\": \"a\", \"count\": \"many\"}").when().post("/test/items")
                .then().statusCode(400).body("error", equalTo("invalid_field")).body("message", containsString("count"));
    }

    @Test
    void apiExceptionKeepsItsStatusAndCode() {
        given().contentType("application/json").body("{\"count\": 1}").when().post("/test/items")
                .then().statusCode(400).body("error", equalTo("missing_field")).body("message", equalTo("'id' is required"));
    }

    @Test
    void unknownPathIs404Json() {
        given().when().get("/test/nothing-here")
                .then().statusCode(404).body("error", equalTo("not_found"));
    }

    @Test
    void healthAndMetricsNeedNoToken() {
        given().when().get("/q/health/live").then().statusCode(200);
        given().when().get("/q/metrics").then().statusCode(200);
    }
}
