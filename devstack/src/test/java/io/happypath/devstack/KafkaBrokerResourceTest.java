package io.happypath.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.happypath.contracts.Topics;

class KafkaBrokerResourceTest {

    @BeforeAll
    static void logWarnings() {
        BrokerLogging.logToConsole(org.jboss.logmanager.Level.WARN);
    }

    @Test
    void sharesOneBrokerWithEveryPlatformTopic() throws Exception {
        Map<String, String> first = new KafkaBrokerResource().start();
        Map<String, String> second = new KafkaBrokerResource().start();

        assertThat(first).containsOnlyKeys("kafka.bootstrap.servers").isEqualTo(second);
        String bootstrapServers = first.get("kafka.bootstrap.servers");
        assertThat(System.getProperty(KafkaBrokerResource.BOOTSTRAP_SERVERS_PROPERTY)).isEqualTo(bootstrapServers);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Map<String, TopicDescription> topics = admin.describeTopics(Set.copyOf(Topics.ALL)).allTopicNames().get();
            assertThat(topics).containsOnlyKeys(Topics.ALL);
            assertThat(topics.values()).allSatisfy(topic -> assertThat(topic.partitions()).hasSize(3));
        }
    }

    @Test
    void stopLeavesTheBrokerRunningForTheNextTestClass() throws Exception {
        KafkaBrokerResource resource = new KafkaBrokerResource();
        String bootstrapServers = resource.start().get("kafka.bootstrap.servers");

        resource.stop();

        String topic = KafkaBrokerTest.uniqueTopic();
        KafkaBrokerTest.send(bootstrapServers, topic, "k", "still up");
        assertThat(KafkaBrokerTest.readAll(bootstrapServers, topic, 1)).containsExactly("k=still up");
    }
}
