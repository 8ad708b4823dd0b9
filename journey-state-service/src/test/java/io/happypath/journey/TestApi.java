package io.happypath.journey;

import static io.restassured.RestAssured.given;

import io.happypath.devstack.JwtTestResource;
import io.restassured.specification.RequestSpecification;

/** Small helpers shared by the @QuarkusTest classes of this module. */
public final class TestApi {

    private TestApi() {
    }

    /** A JSON request with a bearer token for {@code role}. */
    public static RequestSpecification as(String role) {
        return given().auth().oauth2(JwtTestResource.token(role)).contentType("application/json");
    }
}
