package io.happypath.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.happypath.devstack.JwtTestResource;
import io.happypath.devstack.KafkaBrokerResource;
import io.happypath.identity.service.ProcessedEventsPruner;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** The idempotency record forgets raw events older than the configured retention, a chunk at a time. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(JwtTestResource.class)
@TestProfile(ProcessedEventsPrunerTest.ShortRetention.class)
class ProcessedEventsPrunerTest {

    /** Two days of retention, three records per delete statement: the pruner has to loop. */
    public static class ShortRetention implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("happypath.identity.processed-events.retention", "P2D",
                    "happypath.identity.processed-events.prune-chunk", "3");
        }
    }

    @Inject
    ProcessedEventsPruner pruner;

    @Inject
    Pool pool;

    final String run = "prune-" + UUID.randomUUID().toString().substring(0, 8);

    void processed(String eventId, Duration ago) {
        pool.preparedQuery("insert into identity.processed_events (event_id, profile_id, at) values ($1, $2, $3)")
                .execute(Tuple.of(eventId, UUID.randomUUID(),
                        OffsetDateTime.ofInstant(Instant.now().minus(ago), ZoneOffset.UTC)))
                .await().indefinitely();
    }

    List<String> remaining() {
        return pool.preparedQuery("select event_id from identity.processed_events where event_id like $1 order by event_id")
                .execute(Tuple.of(run + "%")).await().indefinitely().stream().map(r -> r.getString(0)).toList();
    }

    @Test
    void deletesWhatIsOlderThanTheRetentionAndKeepsTheRest() {
        for (int i = 0; i < 7; i++) {
            processed(run + "-old-" + i, Duration.ofDays(3).plusMinutes(i));
        }
        processed(run + "-recent-1", Duration.ofDays(1));
        processed(run + "-recent-2", Duration.ofMinutes(1));

        long deleted = pruner.prune().await().indefinitely();

        assertThat(deleted).isGreaterThanOrEqualTo(7);
        assertThat(remaining()).containsExactly(run + "-recent-1", run + "-recent-2");
        assertThat(pruner.prune().await().indefinitely()).as("nothing left to prune").isZero();
    }
}
