package io.happypath.devstack;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.happypath.contracts.Topics;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Quarkus test resource that points a service at a real Kafka broker running inside the test JVM:
 *
 * <pre>
 * &#64;QuarkusTest
 * &#64;WithTestResource(KafkaBrokerResource.class)
 * class EventFlowTest { ... }
 * </pre>
 *
 * <p>
 * One broker serves every test class of the JVM: the first {@link #start()} starts it (about 3 s) with a temporary data
 * directory and creates every topic of {@link Topics#ALL} with 3 partitions; a JVM shutdown hook stops it and deletes the
 * directory. Tests therefore share topics and must tell their data apart (unique keys, ids or consumer groups).
 * {@link #stop()} leaves the broker running for the next test class.
 *
 * <p>
 * Configuration returned: {@value #BOOTSTRAP_SERVERS_CONFIG}, the default of every Kafka channel of SmallRye Reactive
 * Messaging.
 *
 * <p>
 * Setting the system property {@value #BOOTSTRAP_SERVERS_PROPERTY} (e.g. to {@code 127.0.0.1:9092}, the broker of
 * {@code ./happypath up}) uses that broker instead of starting one.
 */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    private static final Logger LOG = Logger.getLogger(KafkaBrokerResource.class);

    /** The configuration key this resource sets. */
    public static final String BOOTSTRAP_SERVERS_CONFIG = "kafka.bootstrap.servers";

    /**
     * JVM-wide record of the shared broker. Quarkus may load this class in more than one class loader of the same JVM
     * (one per application under test); a system property is what they all see, so only one broker is ever started.
     */
    public static final String BOOTSTRAP_SERVERS_PROPERTY = "happypath.devstack.kafka.bootstrap-servers";

    @Override
    public Map<String, String> start() {
        return Map.of(BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    }

    @Override
    public void stop() {
        // The broker outlives each test class on purpose: restarting it would cost every class 3 s.
    }

    /**
     * The shared broker's {@code bootstrap.servers}, starting the broker first if this JVM has none yet. For tests that
     * need Kafka clients of their own.
     */
    public static String bootstrapServers() {
        synchronized (KafkaBrokerResource.class) {
            String existing = System.getProperty(BOOTSTRAP_SERVERS_PROPERTY);
            if (existing != null && !existing.isBlank()) {
                return existing;
            }
            BrokerLogging.quietBroker(org.jboss.logmanager.Level.WARN);
            long started = System.nanoTime();
            KafkaBroker broker = KafkaBroker.start();
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "happypath-kafka-shutdown"));
            broker.createTopics(Topics.ALL, KafkaBroker.DEFAULT_PARTITIONS);
            System.setProperty(BOOTSTRAP_SERVERS_PROPERTY, broker.bootstrapServers());
            LOG.infof("Kafka broker for tests listening on %s, started in %d ms", broker.bootstrapServers(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            return broker.bootstrapServers();
        }
    }
}
