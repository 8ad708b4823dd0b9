package io.happypath.decision;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link DecisionPipelineTest} against the packaged application: the jar here, the native executable in the native build. */
@QuarkusIntegrationTest
class DecisionPipelineIT extends DecisionPipelineTest {
}
