package io.happypath.analytics;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link PathsAndFunnelTest} against the packaged application: the jar here, the native executable in the native build. */
@QuarkusIntegrationTest
class PathsAndFunnelIT extends PathsAndFunnelTest {
}
