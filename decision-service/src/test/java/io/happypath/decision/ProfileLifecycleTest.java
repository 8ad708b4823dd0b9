package io.happypath.decision;

import static io.happypath.decision.TestApi.admin;
import static io.happypath.decision.TestApi.as;
import static io.happypath.decision.TestApi.decideOnWeb;
import static io.happypath.decision.TestApi.putAction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.happypath.contracts.CloudEventTypes;
import io.happypath.contracts.Topics;
import io.happypath.decision.cache.ContactHistory;
import io.happypath.decision.cache.DecisionRecords;
import io.happypath.devstack.JwtTestResource;
import io.happypath.devstack.KafkaBrokerResource;
import io.happypath.devstack.KafkaTestClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** profile.erased and profile.merged on hp.identity.v1 reach the contact history and decision records. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(JwtTestResource.class)
@WithTestResource(UpstreamStub.class)
class ProfileLifecycleTest {

    private static final Duration REDIS = Duration.ofSeconds(10);

    @Inject
    ContactHistory history;

    @Inject
    DecisionRecords records;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    /** An action on its own placement, capped at {@code max} impressions a day per customer. */
    private static String cappedAction(String placement, int max) {
        String id = "capped-" + UUID.randomUUID();
        admin().body(Map.of("type", "frequency", "scope", "action", "actionId", id, "channel", "web", "max", max,
                "window", "P1D")).put("/v1/policies/cap-" + id).then().statusCode(201);
        Map<String, Object> a = new HashMap<>();
        a.put("name", "Capped");
        a.put("group", "retention");
        a.put("channels", List.of("web"));
        a.put("placements", List.of(placement));
        putAction(id, a);
        return id;
    }

    private long contacts(String profile, String action) {
        return history.contactsWithin(profile, "action:" + action + ":web", Duration.ofDays(1), Instant.now()).await()
                .atMost(REDIS);
    }

    @Test
    void anErasedProfilesContactHistoryAndDecisionsAreGone() {
        String placement = "erase-" + UUID.randomUUID();
        String action = cappedAction(placement, 1);
        String profile = "p-" + UUID.randomUUID();
        String other = "p-" + UUID.randomUUID();
        String decisionId = decideOnWeb(profile, placement).getString("decisionId");
        decideOnWeb(other, placement);
        assertThat(decideOnWeb(profile, placement).getList("actions")).isEmpty();
        assertThat(contacts(profile, action)).isEqualTo(1);
        assertThat(records.find(decisionId).await().atMost(REDIS)).isNotNull();

        try (KafkaTestClient kafka = new KafkaTestClient(bootstrapServers)) {
            kafka.sendCloudEvent(Topics.IDENTITY, profile, UUID.randomUUID().toString(),
                    CloudEventTypes.PROFILE_ERASED, "/test", "{\"profileId\":\"" + profile + "\",\"at\":\""
                            + Instant.now() + "\"}");
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> records.find(decisionId).await().atMost(REDIS) == null);
        assertThat(contacts(profile, action)).isZero();
        as("decision-client").body(Map.of("actionId", action, "outcome", "clicked"))
                .post("/v1/decisions/" + decisionId + "/outcomes").then().statusCode(404);
        // The cap starts afresh for the erased profile; another customer's history is untouched.
        assertThat(decideOnWeb(profile, placement).getList("actions.actionId")).containsExactly(action);
        assertThat(contacts(other, action)).isEqualTo(1);
        admin().delete("/v1/policies/cap-" + action).then().statusCode(204);
    }

    @Test
    void aMergedProfilesContactHistoryFoldsIntoTheSurvivor() {
        String placement = "merge-" + UUID.randomUUID();
        String action = cappedAction(placement, 2);
        String survivor = "p-" + UUID.randomUUID();
        String merged = "p-" + UUID.randomUUID();
        decideOnWeb(merged, placement);
        decideOnWeb(merged, placement);
        assertThat(decideOnWeb(merged, placement).getList("actions")).isEmpty();
        assertThat(decideOnWeb(survivor, placement).getList("actions.actionId")).containsExactly(action);

        try (KafkaTestClient kafka = new KafkaTestClient(bootstrapServers)) {
            kafka.sendCloudEvent(Topics.IDENTITY, survivor, UUID.randomUUID().toString(),
                    CloudEventTypes.PROFILE_MERGED, "/test", "{\"profileId\":\"" + survivor
                            + "\",\"mergedProfileIds\":[\"" + merged + "\"],\"mergeId\":\"" + UUID.randomUUID()
                            + "\",\"rule\":\"email\",\"at\":\"" + Instant.now() + "\"}");
        }
        // The survivor had 1 contact, the merged profile 2 (the third was suppressed): 3 distinct contacts.
        await().atMost(Duration.ofSeconds(60)).until(() -> contacts(survivor, action) == 3);
        assertThat(contacts(merged, action)).isZero();
        JsonPath after = decideOnWeb(survivor, placement);
        assertThat(after.getList("actions")).isEmpty();
        assertThat(after.getString("suppressed[0].reason")).startsWith("contact policy cap-" + action);
        admin().delete("/v1/policies/cap-" + action).then().statusCode(204);
    }
}
