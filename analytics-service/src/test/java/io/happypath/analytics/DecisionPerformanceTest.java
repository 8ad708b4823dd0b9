package io.happypath.analytics;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.happypath.devstack.JwtTestResource;
import io.happypath.devstack.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Decisions and outcomes through the real broker give exact decision performance: impressions, outcomes and rates
 * per action, suppressions by kind of reason, and the tone-deaf offers the guards stopped.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(JwtTestResource.class)
class DecisionPerformanceTest {

    static final String SERVICE_ISSUE = "open service issue: openServiceIssue";
    static final String FRUSTRATION = "frustration 0.81 above 0.70";
    static final String CONSENT = "marketing consent withdrawn";
    static final String CONTACT = "contact policy weekly-email: at most 1 per P7D (contacts)";
    static final String BOUGHT = "recently bought: phone at 3000-01-01T00:00:00Z";
    static final String RULE = "eligibility rule not met: profile.traits.age >= 18";

    @Test
    void performancePerActionIsExact() {
        double frustrationBefore = WiringTest.metricValue("happypath_analytics_suppressions_total{reason=\"frustration\"}");
        Traffic t = new Traffic();
        try (t) {
            for (int i = 0; i < 10; i++) {
                String p = "perf-" + t.run + "-" + i;
                List<String> shown = i < 6 ? List.of("phone-offer", "activation-help") : List.of("activation-help");
                Map<String, String> suppressed = switch (i) {
                    case 0, 1, 2 -> Map.of("new-phone-ad", SERVICE_ISSUE);
                    case 3, 4 -> Map.of("new-phone-ad", FRUSTRATION, "upsell", CONSENT);
                    case 5 -> Map.of("upsell", CONTACT);
                    case 6 -> Map.of("phone-offer", BOUGHT);
                    case 7 -> Map.of("phone-offer", RULE);
                    default -> Map.of();
                };
                String d = t.decision(p, shown, suppressed, t.at(i));
                for (String a : shown) {
                    t.outcome(d, p, a, "impression", t.at(i + 1));
                }
                if (i < 3) {
                    t.outcome(d, p, "phone-offer", "clicked", t.at(i + 2));
                }
                if (i == 0) {
                    // A second click of the same decision is no second clicked decision.
                    t.outcome(d, p, "phone-offer", "clicked", t.at(i + 3));
                    t.outcome(d, p, "phone-offer", "converted", t.at(i + 4));
                }
                if (i == 6 || i == 7) {
                    t.outcome(d, p, "activation-help", "dismissed", t.at(i + 2));
                }
                if (i == 8) {
                    // Reported the next day: the decision was made in the range, so it counts.
                    t.outcome(d, p, "activation-help", "accepted", t.at(i + 2000));
                }
            }
            // A decision before the range (and its outcome inside it) and an outcome of an unknown decision: not counted.
            String early = t.decision("perf-" + t.run + "-early", List.of("phone-offer"),
                    Map.of("new-phone-ad", SERVICE_ISSUE), t.day.minus(Duration.ofHours(1)));
            t.outcome(early, "perf-" + t.run + "-early", "phone-offer", "clicked", t.at(5));
            t.outcome("no-such-decision-" + t.run, "perf-" + t.run + "-0", "phone-offer", "converted", t.at(5));
        }

        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().untilAsserted(() -> {
            JsonPath p = performance(t.from(), t.to());
            assertEquals(10, p.getInt("decisions"));
            assertEquals(1, p.getInt("actions.find { it.actionId == 'activation-help' }.outcomes.accepted"));
            assertEquals(1, p.getInt("actions.find { it.actionId == 'phone-offer' }.outcomes.converted"));
            assertEquals(2, p.getInt("actions.find { it.actionId == 'activation-help' }.outcomes.dismissed"));
            assertEquals(10, p.getInt("actions.find { it.actionId == 'activation-help' }.outcomes.impression"));
        });
        JsonPath p = performance(t.from(), t.to());
        assertEquals(16, p.getInt("impressions"));
        assertEquals(10, p.getInt("suppressions"));
        assertEquals(7, p.getInt("toneDeafStopped"), "3 open service issues, 2 frustrated, 2 without consent");
        assertEquals(List.of("service-issue", "consent", "frustration", "contact-policy", "eligibility", "recent-purchase"),
                p.getList("suppressionsByReason.reason"));
        assertEquals(List.of(3, 2, 2, 1, 1, 1), p.getList("suppressionsByReason.suppressions"));
        assertEquals(List.of(true, true, true, false, false, false), p.getList("suppressionsByReason.toneDeaf"));
        assertEquals(List.of("activation-help", "phone-offer", "new-phone-ad", "upsell"), p.getList("actions.actionId"));

        Map<String, Object> offer = p.getMap("actions.find { it.actionId == 'phone-offer' }");
        assertEquals(6, ((Number) offer.get("impressions")).intValue());
        assertEquals(Map.of("impression", 6, "clicked", 3, "accepted", 0, "dismissed", 0, "converted", 1),
                offer.get("outcomes"));
        assertEquals(0.5, p.getDouble("actions.find { it.actionId == 'phone-offer' }.rates.clicked"), 1e-12);
        assertEquals(1.0 / 6, p.getDouble("actions.find { it.actionId == 'phone-offer' }.rates.converted"), 1e-12);
        assertEquals(2, ((Number) offer.get("suppressed")).intValue());
        assertEquals(Map.of("recent-purchase", 1, "eligibility", 1), offer.get("suppressionsByReason"));
        assertEquals(0, ((Number) offer.get("toneDeafStopped")).intValue());

        Map<String, Object> ad = p.getMap("actions.find { it.actionId == 'new-phone-ad' }");
        assertEquals(0, ((Number) ad.get("impressions")).intValue());
        assertEquals(Map.of("service-issue", 3, "frustration", 2), ad.get("suppressionsByReason"));
        assertEquals(5, ((Number) ad.get("toneDeafStopped")).intValue());
        assertNull(p.get("actions.find { it.actionId == 'new-phone-ad' }.rates.clicked"), "no impressions, no rate");

        Map<String, Object> upsell = p.getMap("actions.find { it.actionId == 'upsell' }");
        assertEquals(3, ((Number) upsell.get("suppressed")).intValue());
        assertEquals(2, ((Number) upsell.get("toneDeafStopped")).intValue());
        assertEquals(0.1, p.getDouble("actions.find { it.actionId == 'activation-help' }.rates.accepted"), 1e-12);

        // A narrower range keeps the first five decisions only.
        JsonPath first5 = performance(t.from(), t.at(5).toString());
        assertEquals(5, first5.getInt("decisions"));
        assertEquals(5, first5.getInt("actions.find { it.actionId == 'phone-offer' }.impressions"));
        assertEquals(7, first5.getInt("toneDeafStopped"), "decisions 0..4: 3 service issues, 2 frustrated, 2 consents");
        // The business metric counts suppressions by the same kinds.
        assertTrue(WiringTest.metricValue("happypath_analytics_suppressions_total{reason=\"frustration\"}") >= frustrationBefore
                + 2);
        assertFalse(p.getList("actions").isEmpty());
    }

    @Test
    void badRangesAndRoles() {
        given().auth().oauth2(JwtTestResource.token("analyst")).queryParam("from", "yesterday")
                .get("/v1/actions/performance").then().statusCode(400).body("error", equalTo("invalid_parameter"))
                .body("details[0].parameter", equalTo("from"));
        given().auth().oauth2(JwtTestResource.token("analyst")).queryParam("from", "2026-11-02").queryParam("to", "2026-11-01")
                .get("/v1/actions/performance").then().statusCode(400).body("error", equalTo("invalid_range"));
        given().get("/v1/actions/performance").then().statusCode(401);
        given().auth().oauth2(JwtTestResource.token("decision-client")).get("/v1/actions/performance").then().statusCode(403);
        given().auth().oauth2(JwtTestResource.token("admin")).get("/v1/actions/performance").then().statusCode(200);
    }

    static JsonPath performance(String from, String to) {
        return given().auth().oauth2(JwtTestResource.token("analyst")).queryParam("from", from).queryParam("to", to)
                .get("/v1/actions/performance").then().statusCode(200).extract().body().jsonPath(Json.DOUBLES);
    }
}
