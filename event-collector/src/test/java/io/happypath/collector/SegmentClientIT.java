package io.happypath.collector;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link SegmentClientTest} against the packaged application: the jar here, the native executable in the native build. */
@QuarkusIntegrationTest
class SegmentClientIT extends SegmentClientTest {
}
