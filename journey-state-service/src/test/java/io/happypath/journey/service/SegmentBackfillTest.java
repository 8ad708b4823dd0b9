package io.happypath.journey.service;

import static io.happypath.journey.TestApi.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.happypath.contracts.CloudEventTypes;
import io.happypath.contracts.Topics;
import io.happypath.devstack.JwtTestResource;
import io.happypath.devstack.KafkaBrokerResource;
import io.happypath.devstack.KafkaTestClient;
import io.happypath.journey.config.JourneyConfig;
import io.happypath.journey.domain.Counters;
import io.happypath.journey.state.StateStore;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * A segment created, changed or deleted applies to the profiles that exist already, without their next event: real
 * broker, Redis and PostgreSQL.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(JwtTestResource.class)
class SegmentBackfillTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static KafkaTestClient kafka;

    @Inject
    StateService service;

    @Inject
    DefinitionRegistry registry;

    @Inject
    StateStore store;

    @Inject
    ReactiveRedisDataSource redis;

    @BeforeAll
    static void connect() {
        kafka = new KafkaTestClient(KafkaBrokerResource.bootstrapServers());
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    static void identify(String profileId, String tier) {
        String json = """
                {"type": "identify", "messageId": "%s", "traits": {"tier": "%s"}, "timestamp": "%s", "profileId": "%s",
                 "source": "web", "userId": "u-%s"}
                """.formatted(UUID.randomUUID(), tier, Instant.now(), profileId, profileId);
        kafka.sendCloudEvent(Topics.EVENTS, profileId, UUID.randomUUID().toString(), CloudEventTypes.IDENTIFY, "/test",
                json);
    }

    static List<String> segmentsOf(String profileId) {
        var r = as("analyst").get("/v1/profiles/" + profileId + "/state");
        return r.statusCode() == 200 ? r.jsonPath().getList("segments") : List.of();
    }

    static long members(String segment) {
        return as("analyst").get("/v1/segments/" + segment).then().statusCode(200).extract().jsonPath().getLong("members");
    }

    static List<ConsumerRecord<String, String>> segmentChanges(String profileId, String segment, boolean entered,
            int count) {
        return kafka.read(Topics.JOURNEY, r -> profileId.equals(r.key())
                && CloudEventTypes.SEGMENT_CHANGED.equals(KafkaTestClient.header(r, "ce_type"))
                && r.value().contains("\"segmentId\":\"" + segment + "\"")
                && r.value().contains("\"entered\":" + entered), count, WAIT);
    }

    @Test
    void existingProfilesJoinANewSegmentLeaveAChangedOneAndADeletedOne() {
        String gold = "gold-" + UUID.randomUUID();
        String silver = "silver-" + UUID.randomUUID();
        List<String> golds = List.of("p-" + UUID.randomUUID(), "p-" + UUID.randomUUID(), "p-" + UUID.randomUUID());
        String silverOne = "p-" + UUID.randomUUID();
        golds.forEach(p -> identify(p, gold));
        identify(silverOne, silver);
        await().atMost(WAIT).until(() -> golds.stream().allMatch(p -> as("analyst").get("/v1/profiles/" + p + "/state")
                .statusCode() == 200) && as("analyst").get("/v1/profiles/" + silverOne + "/state").statusCode() == 200);

        // Defined after the profiles exist; none of them sends another event.
        String segment = "vip-" + UUID.randomUUID();
        as("admin").body("{\"name\": \"VIP\", \"when\": \"has(profile.traits.tier) && profile.traits.tier == '%s'\"}"
                .formatted(gold)).put("/v1/segments/" + segment).then().statusCode(201);
        await().atMost(WAIT).until(() -> golds.stream().allMatch(p -> segmentsOf(p).contains(segment)));
        assertThat(segmentsOf(silverOne)).doesNotContain(segment);
        await().atMost(WAIT).until(() -> members(segment) == 3);
        golds.forEach(p -> assertThat(segmentChanges(p, segment, true, 1)).hasSize(1));

        // Changed: the gold profiles leave, the silver one enters; the live count follows.
        as("admin").body("{\"name\": \"VIP\", \"when\": \"has(profile.traits.tier) && profile.traits.tier == '%s'\"}"
                .formatted(silver)).put("/v1/segments/" + segment).then().statusCode(200);
        await().atMost(WAIT).until(() -> segmentsOf(silverOne).contains(segment)
                && golds.stream().noneMatch(p -> segmentsOf(p).contains(segment)));
        await().atMost(WAIT).until(() -> members(segment) == 1);
        golds.forEach(p -> assertThat(segmentChanges(p, segment, false, 1)).hasSize(1));
        assertThat(segmentChanges(silverOne, segment, true, 1)).hasSize(1);

        // Running the same back-fill step again changes nothing.
        String run = registry.segmentsFingerprint();
        List<String> all = List.of(golds.get(0), golds.get(1), golds.get(2), silverOne);
        assertThat(service.reevaluateSegments(all, run).await().atMost(WAIT)).isZero();

        // Deleted: membership and count go away.
        as("admin").delete("/v1/segments/" + segment).then().statusCode(204);
        await().atMost(WAIT).until(() -> !segmentsOf(silverOne).contains(segment));
        await().atMost(WAIT).until(() -> !store.counters(Counters.SEGMENTS).await().atMost(WAIT).containsKey(segment));
        assertThat(segmentChanges(silverOne, segment, false, 1)).hasSize(1);
    }

    @Test
    void aBackfillStepLeftUnpublishedIsPublishedWhenItRunsAgain() {
        String tier = "bronze-" + UUID.randomUUID();
        String p = "p-" + UUID.randomUUID();
        identify(p, tier);
        await().atMost(WAIT).until(() -> as("analyst").get("/v1/profiles/" + p + "/state").statusCode() == 200);
        String run = "crash-" + UUID.randomUUID();
        // As if a replica stored this step's change and died before publishing it: the outbox entry is still there.
        String outgoing = """
                [{"id": "%s", "type": "%s", "profileId": "%s", "json": "{\\"profileId\\":\\"%s\\",\\"segmentId\\":\\"x\\",\\"entered\\":true}"}]
                """
                .formatted(UUID.randomUUID(), CloudEventTypes.SEGMENT_CHANGED, p, p);
        redis.execute("HSET", store.stateKey(p), StateStore.OUTPUT_FIELD_PREFIX + "segments:" + run, outgoing).await()
                .atMost(WAIT);
        assertThat(service.reevaluateSegments(List.of(p), run).await().atMost(WAIT)).isZero();
        var published = kafka.read(Topics.JOURNEY, r -> p.equals(r.key()) && r.value().contains("\"segmentId\":\"x\""), 1,
                WAIT);
        assertThat(published).hasSize(1);
        assertThat(redis.execute("HEXISTS", store.stateKey(p), StateStore.OUTPUT_FIELD_PREFIX + "segments:" + run).await()
                .atMost(WAIT).toInteger()).isZero();
    }

    @Test
    void anUnreadableStateIsSkippedNotFatal() {
        String broken = "p-" + UUID.randomUUID();
        redis.execute("HSET", store.stateKey(broken), "v", "1", "s", "{not json").await().atMost(WAIT);
        String tier = "tin-" + UUID.randomUUID();
        String p = "p-" + UUID.randomUUID();
        identify(p, tier);
        await().atMost(WAIT).until(() -> as("analyst").get("/v1/profiles/" + p + "/state").statusCode() == 200);
        try {
            assertThat(service.reevaluateSegments(List.of(broken, p), "skip-" + UUID.randomUUID()).await().atMost(WAIT))
                    .isZero();
        } finally {
            redis.execute("DEL", store.stateKey(broken)).await().atMost(WAIT);
        }
    }

    @Test
    void theJobIsLeasedResumableAndRestartsForANewerSegmentSet() {
        JourneyConfig config = new SmallRyeConfigBuilder().withMapping(JourneyConfig.class)
                .withSources(new PropertiesConfigSource(
                        Map.of("happypath.journey.redis-prefix", "hp:jstest:" + UUID.randomUUID() + ":"), "test", 500))
                .build().getConfigMapping(JourneyConfig.class);
        StateStore own = new StateStore(redis, config);
        long now = System.currentTimeMillis();

        assertThat(own.requestBackfill("F1", now).await().atMost(WAIT)).isTrue();
        assertThat(own.requestBackfill("F1", now).await().atMost(WAIT)).isFalse(); // asked for already
        assertThat(own.backfillJob().await().atMost(WAIT).pending()).isTrue();

        // One replica at a time.
        assertThat(own.leaseBackfill("a", 30_000).await().atMost(WAIT)).isTrue();
        assertThat(own.leaseBackfill("b", 30_000).await().atMost(WAIT)).isFalse();
        assertThat(own.leaseBackfill("a", 30_000).await().atMost(WAIT)).isTrue();

        // Progress is saved: whoever takes over resumes from the cursor.
        assertThat(own.backfillProgress("a", 30_000, "F1", "F1", "17").await().atMost(WAIT)).isTrue();
        var job = own.backfillJob().await().atMost(WAIT);
        assertThat(job.runFor()).isEqualTo("F1");
        assertThat(job.cursor()).isEqualTo("17");
        assertThat(own.backfillProgress("b", 30_000, "F1", "F1", "18").await().atMost(WAIT)).isFalse();

        // A newer segment set stops the run in progress.
        assertThat(own.requestBackfill("F2", now).await().atMost(WAIT)).isTrue();
        assertThat(own.backfillProgress("a", 30_000, "F1", "F1", "42").await().atMost(WAIT)).isFalse();

        // Finishing marks it done and frees the lease.
        assertThat(own.backfillProgress("a", 30_000, "F2", "F2", "0").await().atMost(WAIT)).isTrue();
        job = own.backfillJob().await().atMost(WAIT);
        assertThat(job.pending()).isFalse();
        assertThat(job.done()).isEqualTo("F2");
        assertThat(own.requestBackfill("F2", now).await().atMost(WAIT)).isFalse(); // done already
        assertThat(own.leaseBackfill("b", 30_000).await().atMost(WAIT)).isTrue();
    }
}
