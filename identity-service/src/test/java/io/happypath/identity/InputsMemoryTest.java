package io.happypath.identity;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import io.happypath.contracts.CloudEventTypes;
import io.happypath.contracts.Topics;
import io.happypath.devstack.JwtTestResource;
import io.happypath.devstack.KafkaBrokerResource;
import io.happypath.identity.messaging.Inputs;
import io.happypath.identity.service.ProfileService;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.commit.KafkaCommitHandler;
import io.smallrye.reactive.messaging.kafka.fault.KafkaFailureHandler;

/**
 * A resolved and published batch is garbage: the consumer keeps nothing of it. (Each batch's publish used to be a Uni
 * chained on the previous batch's, so every batch since the start stayed reachable and identity-service ran out of
 * heap under sustained load.) The batches go through the real consumer method, database and producer; only the
 * Kafka poll is built by the test, so that it can hold a weak reference to one.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(JwtTestResource.class)
class InputsMemoryTest {

    private static final KafkaCommitHandler COMMITTED = new KafkaCommitHandler() {

        @Override
        public <K, V> Uni<Void> handle(io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord<K, V> record) {
            return Uni.createFrom().voidItem();
        }
    };
    private static final KafkaFailureHandler NOT_EXPECTED = new KafkaFailureHandler() {

        @Override
        public <K, V> Uni<Void> handle(io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord<K, V> record,
                Throwable reason, org.eclipse.microprofile.reactive.messaging.Metadata metadata) {
            return Uni.createFrom().failure(new AssertionError("a valid event was rejected", reason));
        }
    };

    @Inject
    Inputs inputs;

    @Inject
    ProfileService profiles;

    final String run = UUID.randomUUID().toString().substring(0, 8);

    long offset;

    @Test
    void aProcessedBatchIsNotKeptByLaterOnes() throws Throwable {
        IncomingKafkaRecordBatch<String, String> first = poll("first");
        WeakReference<Object> firstBatch = new WeakReference<>(first);
        consume(first);
        first = null;
        // The call for a batch returns once the batch before it is published, so after these two the first is done.
        for (String name : List.of("second", "third")) {
            consume(poll(name));
        }
        assertThat(VertxContextSupport.<String>subscribeAndAwait(() -> profiles.lookup("user_id", run + "-first")))
                .as("the first batch was resolved").isNotNull();

        await("the first batch is garbage-collected").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    System.gc();
                    return firstBatch.get() == null;
                });
    }

    private void consume(IncomingKafkaRecordBatch<String, String> batch) throws Throwable {
        VertxContextSupport.subscribeAndAwait(() -> inputs.rawEvents(batch));
    }

    /** A poll of one identify, as the Kafka connector builds it (CloudEvents in binary mode). */
    private IncomingKafkaRecordBatch<String, String> poll(String name) {
        String json = "{\"type\":\"identify\",\"messageId\":\"" + UUID.randomUUID() + "\",\"userId\":\"" + run + "-"
                + name + "\",\"source\":\"web\",\"timestamp\":\"" + Instant.now() + "\",\"receivedAt\":\""
                + Instant.now() + "\"}";
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", "1.0".getBytes(UTF_8));
        headers.add("ce_id", UUID.randomUUID().toString().getBytes(UTF_8));
        headers.add("ce_type", CloudEventTypes.ofSegmentType("identify").getBytes(UTF_8));
        headers.add("ce_source", "/test".getBytes(UTF_8));
        headers.add("content-type", "application/json".getBytes(UTF_8));
        TopicPartition partition = new TopicPartition(Topics.RAW_EVENTS, 0);
        ConsumerRecord<String, String> record = new ConsumerRecord<>(Topics.RAW_EVENTS, 0, offset++,
                System.currentTimeMillis(), TimestampType.CREATE_TIME, -1, json.length(), "k-" + run, json, headers,
                Optional.empty());
        return new IncomingKafkaRecordBatch<>(new ConsumerRecords<>(Map.of(partition, List.of(record))), "raw-events",
                0, COMMITTED, NOT_EXPECTED, true, false);
    }
}
