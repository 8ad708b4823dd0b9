package io.happypath.e2e;

import static io.happypath.e2e.Api.get;
import static io.happypath.e2e.Api.profileOf;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.segment.analytics.messages.IdentifyMessage;
import com.segment.analytics.messages.TrackMessage;

/** Erasure through identity-service reaches the live state and analytics; the same identifiers later start afresh. */
class ErasureIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String anonymousId = "e2e-erase-" + run;
    private final String email = "e2e-erase-" + run + "@example.com";
    private final String journeyId = "e2e-erase-" + run;

    @BeforeAll
    static void stack() throws Exception {
        Stack.up();
    }

    @Test
    void erasureRemovesTheProfileFromIdentityStateAndAnalytics() throws Exception {
        Api.putJourney(journeyId, List.of(
                Api.stage("viewed", "Product Viewed",
                        "has(event.properties.product_id) && event.properties.product_id == '" + run + "'"),
                Api.nextStage(journeyId, "added", "Product Added")));

        String profile;
        try (Segment segment = new Segment()) {
            segment.send("web", IdentifyMessage.builder().anonymousId(anonymousId).traits(Map.of("email", email)));
            segment.send("web", TrackMessage.builder("Product Viewed").anonymousId(anonymousId)
                    .properties(Map.of("product_id", run)));
            segment.send("web", TrackMessage.builder("Product Added").anonymousId(anonymousId)
                    .properties(Map.of("product_id", run)));
            await().atMost(PATIENCE).until(() -> profileOf("anonymous_id", anonymousId) != null);
            profile = profileOf("anonymous_id", anonymousId);
            assertThat(profileOf("email", email)).isEqualTo(profile);
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(
                    get(Stack.JOURNEYS, "/v1/profiles/" + profile + "/state", 200)
                            .getString("journeys." + journeyId + ".stage"))
                    .isEqualTo("added"));
            await().atMost(PATIENCE).untilAsserted(() -> {
                assertThat(get(Stack.ANALYTICS, "/v1/paths?steps=2&label=event&journey=" + journeyId, 200)
                        .getList("nodes.findAll { it.column == 0 }.profiles", Integer.class)).containsExactly(1);
                assertThat(get(Stack.ANALYTICS, "/v1/journeys/" + journeyId + "/funnel", 200)
                        .getList("stages.entered", Integer.class)).containsExactly(1, 1);
            });

            given().baseUri(Stack.IDENTITY.toString()).auth().oauth2(Stack.token("admin"))
                    .delete("/v1/profiles/" + profile).then().statusCode(202);

            await().atMost(PATIENCE).untilAsserted(() -> {
                get(Stack.IDENTITY, "/v1/profiles/" + profile, 404);
                assertThat(profileOf("anonymous_id", anonymousId)).isNull();
                assertThat(profileOf("email", email)).isNull();
                get(Stack.JOURNEYS, "/v1/profiles/" + profile + "/state", 404);
                assertThat(get(Stack.ANALYTICS, "/v1/paths?steps=2&label=event&journey=" + journeyId, 200)
                        .getList("nodes")).isEmpty();
                assertThat(get(Stack.ANALYTICS, "/v1/journeys/" + journeyId + "/funnel", 200)
                        .getList("stages.entered", Integer.class)).allMatch(entered -> entered == 0);
            });

            // The same browser comes back: a new profile, nothing of the erased one.
            segment.send("web", TrackMessage.builder("Product Viewed").anonymousId(anonymousId)
                    .properties(Map.of("product_id", "after-erasure")));
            await().atMost(PATIENCE).until(() -> profileOf("anonymous_id", anonymousId) != null);
            String fresh = profileOf("anonymous_id", anonymousId);
            assertThat(fresh).isNotEqualTo(profile);
            assertThat(get(Stack.IDENTITY, "/v1/profiles/" + fresh, 200).getMap("traits")).doesNotContainKey("email");
        }
    }
}
