package io.happypath.analytics.repository;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.happypath.analytics.domain.Facts;
import io.happypath.devstack.JwtTestResource;
import io.happypath.devstack.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A batch of journey facts waits for a profile's path row only when the profile's set of journeys changes: while
 * another transaction holds that row (as a batch of path steps does), a later stage of a journey the profile is already
 * in is written, and entering a new journey waits until the row is released.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(JwtTestResource.class)
class JourneyBatchLockingTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    FactRepository facts;

    @Inject
    Pool pool;

    @Test
    void onlyAJourneySetChangeWaitsForThePathRow() throws Exception {
        String profile = "lock-" + UUID.randomUUID();
        String journey = "lock-a-" + UUID.randomUUID();
        String other = "lock-b-" + UUID.randomUUID();
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        // Entering a first journey creates the profile's path row.
        facts.journeyFacts(List.of(entered(profile, journey, "first", at)), List.of()).await().atMost(WAIT);

        SqlConnection holder = pool.getConnection().await().atMost(WAIT);
        Transaction tx = holder.begin().await().atMost(WAIT);
        try {
            holder.preparedQuery("SELECT profile_id FROM analytics.profile_path WHERE profile_id = $1 FOR UPDATE")
                    .execute(Tuple.of(profile)).await().atMost(WAIT);

            facts.journeyFacts(List.of(entered(profile, journey, "second", at.plusSeconds(60))), List.of())
                    .await().atMost(WAIT);
            assertEquals(List.of(journey + "/first", journey + "/second"), stages(profile));

            CompletableFuture<Void> entering = facts.journeyFacts(List.of(entered(profile, other, "first",
                    at.plusSeconds(120))), List.of()).subscribeAsCompletionStage();
            // A new journey waits for the path row: still waiting after two seconds.
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> !entering.isDone());
            tx.rollback().await().atMost(WAIT);
            entering.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(List.of(journey + "/first", journey + "/second", other + "/first"), stages(profile));
        } finally {
            holder.close().await().atMost(WAIT);
        }
    }

    private static Facts.JourneyFact entered(String profile, String journey, String stage, Instant at) {
        return new Facts.JourneyFact(UUID.randomUUID().toString(), FactRepository.STAGE_ENTERED, profile, journey, stage,
                "web", at);
    }

    private List<String> stages(String profile) {
        return pool.preparedQuery("SELECT journey_id || '/' || stage FROM analytics.stage_entry WHERE profile_id = $1 "
                + "ORDER BY journey_id COLLATE \"C\", stage COLLATE \"C\"")
                .execute(Tuple.of(profile)).await().atMost(WAIT).stream().map(r -> r.getString(0)).toList();
    }
}
