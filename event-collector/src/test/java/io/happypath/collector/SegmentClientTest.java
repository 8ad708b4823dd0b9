package io.happypath.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.segment.analytics.Analytics;
import com.segment.analytics.Callback;
import com.segment.analytics.messages.AliasMessage;
import com.segment.analytics.messages.GroupMessage;
import com.segment.analytics.messages.IdentifyMessage;
import com.segment.analytics.messages.Message;
import com.segment.analytics.messages.PageMessage;
import com.segment.analytics.messages.ScreenMessage;
import com.segment.analytics.messages.TrackMessage;

import io.happypath.contracts.Json;
import io.happypath.contracts.Topics;
import io.happypath.devstack.KafkaBrokerResource;
import io.happypath.devstack.KafkaTestClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Segment's own Java client ({@code com.segment.analytics.java:analytics}, which posts gzip batches to
 * {@code /v1/import/} with the write key in the body), pointed at the collector, unchanged.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class SegmentClientTest {

    private static final ObjectMapper JSON = Json.newMapper();

    @TestHTTPResource("/")
    URL base;

    @Test
    void everyMessageTypeArrivesOnTheRawTopicWithKeyHeadersAndTimestamps() throws IOException {
        String user = "seg-" + UUID.randomUUID();
        String anon = "anon-" + UUID.randomUUID();
        Set<String> succeeded = ConcurrentHashMap.newKeySet();
        Map<String, Throwable> failed = new ConcurrentHashMap<>();
        String endpoint = base.toString().replaceAll("/$", "");
        Instant before = Instant.now();
        Analytics analytics = Analytics.builder("local-app").endpoint(endpoint).flushQueueSize(6)
                .callback(new Callback() {

                    @Override
                    public void success(Message message) {
                        succeeded.add(message.messageId());
                    }

                    @Override
                    public void failure(Message message, Throwable throwable) {
                        failed.put(message.messageId(), throwable);
                    }
                }).build();
        try {
            analytics.enqueue(IdentifyMessage.builder().userId(user).anonymousId(anon)
                    .traits(Map.of("email", user + "@example.com")));
            analytics.enqueue(TrackMessage.builder("Order Completed").userId(user).anonymousId(anon)
                    .properties(Map.of("category", "phone")));
            analytics.enqueue(PageMessage.builder("Home").userId(user).anonymousId(anon));
            analytics.enqueue(ScreenMessage.builder("Activation").userId(user).anonymousId(anon));
            analytics.enqueue(GroupMessage.builder("acme").userId(user).anonymousId(anon));
            analytics.enqueue(AliasMessage.builder(anon).userId(user));
            analytics.flush();
            await().atMost(Duration.ofSeconds(60)).until(() -> succeeded.size() + failed.size() >= 6);
        } finally {
            analytics.shutdown();
        }
        assertThat(failed).isEmpty();

        try (KafkaTestClient kafka = new KafkaTestClient(KafkaBrokerResource.bootstrapServers())) {
            List<ConsumerRecord<String, String>> records = kafka.read(Topics.RAW_EVENTS, r -> r.value().contains(user), 6,
                    Duration.ofSeconds(60));
            Map<String, ConsumerRecord<String, String>> byType = records.stream()
                    .collect(Collectors.toMap(r -> KafkaTestClient.header(r, "ce_type"), r -> r));
            assertThat(byType.keySet()).containsExactlyInAnyOrder("io.happypath.event.identify",
                    "io.happypath.event.track", "io.happypath.event.page", "io.happypath.event.screen",
                    "io.happypath.event.group", "io.happypath.event.alias");
            assertThat(records.stream().map(r -> KafkaTestClient.header(r, "ce_id")).collect(Collectors.toSet()))
                    .isEqualTo(succeeded);
            for (ConsumerRecord<String, String> r : records) {
                JsonNode m = JSON.readTree(r.value());
                // alias has only userId (its previousId is the anonymous id); the others carry both.
                assertThat(r.key()).isEqualTo(m.get("type").asText().equals("alias") ? user : anon);
                assertThat(KafkaTestClient.header(r, "ce_source")).isEqualTo("app");
                assertThat(KafkaTestClient.header(r, "ce_id")).isEqualTo(m.get("messageId").asText());
                Instant receivedAt = Instant.parse(m.get("receivedAt").asText());
                Instant timestamp = Instant.parse(m.get("timestamp").asText());
                assertThat(receivedAt).isAfterOrEqualTo(before.minusSeconds(1));
                // Corrected onto the server's clock: never after it was received.
                assertThat(timestamp).isBeforeOrEqualTo(receivedAt);
                assertThat(m.hasNonNull("originalTimestamp")).isTrue();
                assertThat(m.hasNonNull("sentAt")).isTrue();
                assertThat(m.get("context").get("library").get("name").asText()).isEqualTo("analytics-java");
            }
            assertThat(JSON.readTree(byType.get("io.happypath.event.track").value()).get("properties").get("category")
                    .asText()).isEqualTo("phone");
        }
    }
}
