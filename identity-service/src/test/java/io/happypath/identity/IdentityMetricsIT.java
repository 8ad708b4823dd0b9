package io.happypath.identity;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link IdentityMetricsTest} against the packaged application: the jar here, the native executable in the native build. */
@QuarkusIntegrationTest
class IdentityMetricsIT extends IdentityMetricsTest {
}
