package io.happypath.analytics;

import io.restassured.path.json.config.JsonPathConfig;

/** JSON reading settings of the tests. */
final class Json {

    /** Fractions as doubles: REST Assured reads them as floats by default, too coarse for exact statistics. */
    static final JsonPathConfig DOUBLES = new JsonPathConfig(JsonPathConfig.NumberReturnType.DOUBLE);

    private Json() {
    }
}
