package io.happypath.collector;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link WiringTest} against the packaged application: the jar here, the native executable in the native build. */
@QuarkusIntegrationTest
class WiringIT extends WiringTest {
}
