package io.happypath.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaBrokerTest {

    private static KafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        // The broker's warnings and errors are what explains a failing test.
        BrokerLogging.logToConsole(org.jboss.logmanager.Level.WARN);
        broker = KafkaBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void createsTopicsIdempotently() throws Exception {
        String topic = uniqueTopic();

        broker.createTopics(List.of(topic), 3);
        broker.createTopics(List.of(topic, topic), 3);

        assertThat(partitions(broker.bootstrapServers(), topic)).isEqualTo(3);
    }

    @Test
    void producesAndConsumesARecord() throws Exception {
        String topic = uniqueTopic();
        broker.createTopics(List.of(topic), 3);

        send(broker.bootstrapServers(), topic, "profile-1", "hello");

        assertThat(readAll(broker.bootstrapServers(), topic, 1)).containsExactly("profile-1=hello");
    }

    @Test
    void createsUnknownTopicsOnFirstUseWithThreePartitions() throws Exception {
        String topic = uniqueTopic();

        send(broker.bootstrapServers(), topic, "k", "v");

        assertThat(partitions(broker.bootstrapServers(), topic)).isEqualTo(KafkaBroker.DEFAULT_PARTITIONS);
        assertThat(readAll(broker.bootstrapServers(), topic, 1)).containsExactly("k=v");
    }

    @Test
    void listensOnLoopbackOnly() {
        assertThat(broker.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
    }

    @Test
    void keepsTopicsAndRecordsAcrossARestartOnTheSameDataDir(@TempDir Path dataDir) throws Exception {
        String topic = uniqueTopic();
        try (KafkaBroker first = KafkaBroker.start(0, dataDir)) {
            first.createTopics(List.of(topic), 2);
            send(first.bootstrapServers(), topic, "k", "before restart");
        }
        assertThat(dataDir.resolve("meta.properties")).as("a given data dir outlives the broker").exists();

        try (KafkaBroker second = KafkaBroker.start(0, dataDir)) {
            second.createTopics(List.of(topic), 3);

            assertThat(partitions(second.bootstrapServers(), topic)).isEqualTo(2);
            send(second.bootstrapServers(), topic, "k", "after restart");
            assertThat(readAll(second.bootstrapServers(), topic, 2)).containsExactly("k=before restart",
                    "k=after restart");
        }
    }

    @Test
    void refusesATakenPortWithAClearMessage(@TempDir Path dataDir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> KafkaBroker.start(taken.getLocalPort(), dataDir.resolve("kafka")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Port " + taken.getLocalPort() + " on 127.0.0.1 is not free");
            assertThat(dataDir.resolve("kafka")).doesNotExist();
        }
    }

    @Test
    void closeDeletesTheTemporaryDataDirAndIsIdempotent() {
        KafkaBroker temporary = KafkaBroker.start();
        Path dataDir = temporary.dataDir();
        assertThat(dataDir.resolve("meta.properties")).exists();

        temporary.close();
        temporary.close();

        assertThat(dataDir).doesNotExist();
    }

    @Test
    void rejectsInvalidArguments() {
        assertThatThrownBy(() -> KafkaBroker.start(70000, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> broker.createTopics(List.of("t"), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    static String uniqueTopic() {
        return "test-" + UUID.randomUUID();
    }

    static int partitions(String bootstrapServers, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            TopicDescription description = admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic);
            return description.partitions().size();
        }
    }

    static RecordMetadata send(String bootstrapServers, String topic, String key, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            return producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    /** Reads {@code expected} records from the beginning of the topic, as "key=value", in offset order. */
    static List<String> readAll(String bootstrapServers, String topic, int expected) {
        List<String> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    records.add(record.key() + "=" + record.value());
                }
                return records.size() >= expected;
            });
        }
        return records;
    }
}
