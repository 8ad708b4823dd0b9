package io.happypath.journey.rest;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link JourneyApiTest} against the packaged application: the jar here, the native executable in the native build. */
@QuarkusIntegrationTest
class JourneyApiIT extends JourneyApiTest {
}
