package io.happypath.collector;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.happypath.contracts.Topics;
import io.happypath.devstack.KafkaBroker;
import io.happypath.devstack.KafkaTestClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Kafka goes away: requests get 503 with Retry-After and nothing unstored is acknowledged; once the broker is back, the
 * client's retry delivers everything, and each messageId exactly once after consumer-side dedup by CloudEvent id.
 * <p>
 * The collector runs against a broker of its own (not the shared test broker), which this test stops and restarts on the
 * same port and data directory.
 */
@QuarkusTest
@TestProfile(BrokerOutageTest.OwnBroker.class)
class BrokerOutageTest {

    // System properties, not static fields: Quarkus may load this class in more than one class loader.
    private static final String BROKER = "happypath.test.outage.broker";
    private static final String BOOTSTRAP = "happypath.test.outage.bootstrap";
    private static final String DATA_DIR = "happypath.test.outage.dir";

    /** Points the collector at a broker this test controls, and gives up on a publish after 3 s. */
    public static class OwnBroker implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            synchronized (System.getProperties()) {
                if (System.getProperty(BOOTSTRAP) == null) {
                    try {
                        Path dir = Files.createTempDirectory("collector-outage-");
                        KafkaBroker broker = KafkaBroker.start(0, dir);
                        broker.createTopics(Topics.ALL, 3);
                        System.getProperties().put(BROKER, broker);
                        System.setProperty(BOOTSTRAP, broker.bootstrapServers());
                        System.setProperty(DATA_DIR, dir.toString());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
            return Map.of("kafka.bootstrap.servers", System.getProperty(BOOTSTRAP),
                    "happypath.collector.publish.timeout", "3s",
                    "happypath.collector.publish.retry-after", "2s");
        }
    }

    private static void stopBroker() throws Exception {
        ((AutoCloseable) System.getProperties().get(BROKER)).close();
    }

    private static void restartBroker() {
        String bootstrap = System.getProperty(BOOTSTRAP);
        int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
        System.getProperties().put(BROKER, KafkaBroker.start(port, Path.of(System.getProperty(DATA_DIR))));
    }

    @AfterAll
    static void cleanUp() throws Exception {
        stopBroker();
        try (Stream<Path> files = Files.walk(Path.of(System.getProperty(DATA_DIR)))) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static String batch(String user, List<String> ids) {
        return ids.stream().map(id -> "{\"type\":\"track\",\"event\":\"E\",\"userId\":\"" + user + "\",\"messageId\":\""
                + id + "\"}").collect(Collectors.joining(",", "{\"batch\":[", "]}"));
    }

    @Test
    void unavailableBrokerMeans503AndTheRetryDeliversEverything() throws Exception {
        String user = "outage-" + UUID.randomUUID();
        List<String> before = IntStream.range(0, 3).mapToObj(i -> user + "-a" + i).toList();
        List<String> during = IntStream.range(0, 3).mapToObj(i -> user + "-b" + i).toList();

        given().auth().preemptive().basic("local-web", "").contentType("application/json").body(batch(user, before))
                .post("/v1/batch").then().statusCode(200);

        stopBroker();
        try {
            given().auth().preemptive().basic("local-web", "").contentType("application/json").body(batch(user, during))
                    .post("/v1/batch").then().statusCode(503).body("error", equalTo("kafka_unavailable"))
                    .header("Retry-After", notNullValue());
        } finally {
            restartBroker();
        }

        // What a Segment client does with a 503: retry the same batch until it is acknowledged.
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> given().auth()
                .preemptive().basic("local-web", "").contentType("application/json").body(batch(user, during))
                .post("/v1/batch").then().statusCode(200).body("accepted", equalTo(3)));

        // Delivery is at-least-once (a publish that timed out may still land): consumers dedup by CloudEvent id, so
        // the set of ids is what must be complete, and nothing else of this user may be there.
        Set<String> expected = Stream.concat(before.stream(), during.stream()).collect(Collectors.toSet());
        Set<String> ids = new HashSet<>();
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, System.getProperty(BOOTSTRAP));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "outage-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.RAW_EVENTS));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value().contains(user)) {
                        ids.add(KafkaTestClient.header(r, "ce_id"));
                    }
                }
                return ids.containsAll(expected);
            });
        }
        assertThat(ids).isEqualTo(expected);
    }
}
