package io.happypath.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.segment.analytics.messages.TrackMessage;

import io.happypath.devstack.KafkaTestClient;
import io.restassured.path.json.JsonPath;

/**
 * SIGKILL in the middle of a stream: identity-service and journey-state-service are killed while customers' events
 * flow and started again by the launcher. Every event the collector acknowledged still moves its customer, and no
 * stage transition is published twice under different ids (a republished event keeps its CloudEvent id, which the
 * consumers deduplicate).
 */
class CrashRecoveryIT {

    private static final int CUSTOMERS = 150;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String journeyId = "e2e-crash-" + run;

    @BeforeAll
    static void stack() throws Exception {
        Stack.up();
    }

    @Test
    void killedServicesLoseNoAcknowledgedEventAndDuplicateNoTransition() throws Exception {
        Api.putJourney(journeyId, List.of(
                Api.stage("first", "E2E Step", "event.properties.run == '" + run + "' && event.properties.step == 'one'"),
                Api.stage("second", "E2E Step", "'" + journeyId + "' in state.journeys && event.properties.step == 'two'")));

        List<CompletableFuture<Void>> acknowledged = new ArrayList<>();
        try (Segment segment = new Segment()) {
            Instant start = Instant.now();
            for (int i = 0; i < CUSTOMERS; i++) {
                String userId = "e2e-crash-" + run + "-" + i;
                for (int step = 1; step <= 2; step++) {
                    acknowledged.add(segment.enqueue("store", TrackMessage.builder("E2E Step").userId(userId)
                            .timestamp(Date.from(start.plusMillis(i * 10L + step)))
                            .properties(Map.of("run", run, "step", step == 1 ? "one" : "two"))));
                }
                if (i % 10 == 9) {
                    segment.flush();
                    Thread.sleep(100);
                }
                if (i == CUSTOMERS / 3) {
                    kill("identity-service");
                }
                if (i == CUSTOMERS / 2) {
                    kill("journey-state-service");
                }
            }
            segment.flush();
            CompletableFuture.allOf(acknowledged.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
        }
        Stack.up(); // the launcher starts the two killed services again

        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonPath live = Api.get(Stack.JOURNEYS, "/v1/journeys/" + journeyId + "/live", 200);
            assertThat(live.getLong("stages.second")).as("customers in the second stage").isEqualTo(CUSTOMERS);
        });

        try (KafkaTestClient kafka = new KafkaTestClient(Stack.BOOTSTRAP)) {
            List<ConsumerRecord<String, String>> entered = kafka.readFor("hp.journey.v1",
                    r -> "io.happypath.journey.stage.entered".equals(KafkaTestClient.header(r, "ce_type"))
                            && r.value().contains("\"" + journeyId + "\""),
                    Duration.ofSeconds(10));
            Map<String, Set<String>> idsPerTransition = entered.stream().collect(Collectors.groupingBy(r -> {
                JsonPath e = JsonPath.from(r.value());
                return e.getString("profileId") + " " + e.getString("stage");
            }, Collectors.mapping(r -> KafkaTestClient.header(r, "ce_id"), Collectors.toSet())));
            assertThat(idsPerTransition).hasSize(2 * CUSTOMERS);
            assertThat(idsPerTransition.values()).allSatisfy(ids -> assertThat(ids).hasSize(1));
        }
    }

    private static void kill(String service) throws Exception {
        long pid = Stack.pid(service);
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError(service + " is not running"));
        new ProcessBuilder("kill", "-KILL", Long.toString(pid)).inheritIO().start().waitFor();
        process.onExit().get(30, TimeUnit.SECONDS);
    }
}
