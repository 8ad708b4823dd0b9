package io.happypath.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.happypath.contracts.CloudEventTypes;
import io.happypath.contracts.Topics;
import io.happypath.devstack.JwtTestResource;
import io.happypath.devstack.KafkaBrokerResource;
import io.happypath.devstack.KafkaTestClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A message committed to the outbox whose publish never happened (the process died between commit and publish, or
 * Kafka refused it) is published by the sweeper, with its own CloudEvent id, and then leaves the outbox.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(JwtTestResource.class)
class OutboxSweeperTest {

    static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    Pool pool;

    /** Writes an outbox row as a resolution transaction does, {@code age} ago, and publishes nothing. */
    long leftBehind(String topic, String key, String ceId, String ceType, String data, Duration age) {
        return pool.preparedQuery("insert into identity.outbox (event_id, profile_id, topic, msg_key, ce_id, ce_type, data,"
                + " created_at) values ($1, $2, $3, $4, $5, $6, $7, $8) returning id")
                .execute(Tuple.from(List.<Object>of("sweeper-test-" + ceId, UUID.fromString(key), topic, key, ceId, ceType,
                        data, OffsetDateTime.ofInstant(Instant.now().minus(age), ZoneOffset.UTC))))
                .await().indefinitely().iterator().next().getLong(0);
    }

    boolean inOutbox(long id) {
        return pool.preparedQuery("select count(*) from identity.outbox where id = $1").execute(Tuple.of(id))
                .await().indefinitely().iterator().next().getLong(0) > 0;
    }

    @Test
    void publishesWhatAFailedPublishLeftInTheOutboxThenForgetsIt() {
        String profile = UUID.randomUUID().toString();
        String created = UUID.randomUUID().toString(), stitched = UUID.randomUUID().toString();
        long identityRow = leftBehind(Topics.IDENTITY, profile, created, CloudEventTypes.PROFILE_CREATED,
                "{\"profileId\":\"" + profile + "\",\"identifiers\":[{\"type\":\"user_id\",\"value\":\"u\"}],\"at\":\""
                        + Instant.now() + "\"}",
                Duration.ofMinutes(5));
        long eventRow = leftBehind(Topics.EVENTS, profile, stitched, CloudEventTypes.TRACK,
                "{\"type\":\"track\",\"event\":\"Swept\",\"profileId\":\"" + profile + "\"}", Duration.ofMinutes(5));

        try (KafkaTestClient kafka = new KafkaTestClient(KafkaBrokerResource.bootstrapServers())) {
            ConsumerRecord<String, String> identity = kafka.read(Topics.IDENTITY,
                    r -> created.equals(KafkaTestClient.header(r, "ce_id")), 1, WAIT).get(0);
            assertThat(identity.key()).isEqualTo(profile);
            assertThat(KafkaTestClient.header(identity, "ce_type")).isEqualTo(CloudEventTypes.PROFILE_CREATED);
            assertThat(identity.value()).contains(profile);

            ConsumerRecord<String, String> event = kafka.read(Topics.EVENTS,
                    r -> stitched.equals(KafkaTestClient.header(r, "ce_id")), 1, WAIT).get(0);
            assertThat(event.key()).isEqualTo(profile);
            assertThat(event.value()).contains("Swept");
        }
        await().atMost(WAIT).until(() -> !inOutbox(identityRow) && !inOutbox(eventRow));
    }
}
