package io.happypath.analytics;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.happypath.devstack.JwtTestResource;
import io.happypath.devstack.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * 1,000 profiles on designed cross-channel paths, sent through the real broker: the Sankey's node and link weights,
 * the inflow = Σ outflow + drop-off invariant on every node, and the stage funnel are exact.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(JwtTestResource.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PathsAndFunnelTest {

    static final String PV = "web · Product Viewed";
    static final String OC = "store · Order Completed";
    static final String AS = "app · Activation Started";
    static final String AC = "app · Activation Completed";
    static final String TICKET = "callcenter · Support Ticket Opened";
    static final String NEWS = "email · Newsletter Opened";

    Traffic traffic;
    String journey;
    /** Minutes from purchase to activation start of each group-A profile, to compute the expected percentiles. */
    final List<Double> purchaseToActivating = new ArrayList<>();

    /** Once per class, but after Quarkus has told REST Assured its port (which @BeforeAll would precede). */
    @BeforeEach
    void sendDataSetOnce() {
        if (traffic != null) {
            return;
        }
        traffic = new Traffic();
        journey = "onboarding-" + traffic.run;
        for (int i = 0; i < 1000; i++) {
            String p = "pf-" + traffic.run + "-" + i;
            long m = i;
            if (i < 400) { // A: viewed twice on the web, bought in store, activated in the app
                traffic.track(p, "web", "Product Viewed", traffic.at(m));
                traffic.track(p, "web", "Product Viewed", traffic.at(m + 1));
                traffic.track(p, "store", "Order Completed", traffic.at(m + 2));
                long delay = i % 60 + 1;
                purchaseToActivating.add(delay * 60.0);
                traffic.track(p, "app", "Activation Started", traffic.at(m + 2 + delay));
                traffic.track(p, "app", "Activation Completed", traffic.at(m + 32 + delay));
                traffic.stageEntered(p, journey, "purchased", "store", traffic.at(m + 2));
                traffic.stageEntered(p, journey, "activating", "app", traffic.at(m + 2 + delay));
                traffic.stageEntered(p, journey, "activated", "app", traffic.at(m + 32 + delay));
            } else if (i < 700) { // B: bought in store, then called support, and stalled
                traffic.track(p, "web", "Product Viewed", traffic.at(m));
                traffic.track(p, "store", "Order Completed", traffic.at(m + 2));
                traffic.track(p, "callcenter", "Support Ticket Opened", traffic.at(m + 5));
                traffic.stageEntered(p, journey, "purchased", "store", traffic.at(m + 2));
                traffic.stalled(p, journey, "purchased", traffic.at(m + 2), traffic.at(m + 50));
            } else if (i < 900) { // C: looked once and left
                traffic.track(p, "web", "Product Viewed", traffic.at(m));
            } else if (i < 960) { // D: came from the newsletter
                traffic.track(p, "email", "Newsletter Opened", traffic.at(m));
                traffic.track(p, "web", "Product Viewed", traffic.at(m + 1));
            } else { // E: four rare starts, ten each
                String[][] rare = {{"app", "Login"}, {"email", "Promo Clicked"}, {"store", "Visit"}, {"web", "Search"}};
                String[] r = rare[(i - 960) / 10];
                traffic.track(p, r[0], r[1], traffic.at(m));
            }
        }
        // Outside the range: a purchase the day before must not count.
        traffic.stageEntered("pf-" + traffic.run + "-early", journey, "purchased", "store",
                traffic.day.minus(Duration.ofHours(1)));
        // Redelivery of an already processed stage entry (same CloudEvent id) and a real re-entry (new id).
        String p0 = "pf-" + traffic.run + "-0";
        String id = traffic.stageEntered(p0, journey, "activated", "app", traffic.at(1200));
        traffic.stageEntered(id, p0, journey, "activated", "app", traffic.at(1200));
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(
                () -> paths(Map.of("steps", "5", "top", "3")).getLong("profiles") == 1000
                        && funnel().getInt("stages.find { it.stage == 'activated' }.entries") == 401);
    }

    @AfterAll
    void close() {
        if (traffic != null) {
            traffic.close();
        }
    }

    @Test
    void sankeyWeightsAreExactWithOtherAndDropOff() {
        JsonPath s = paths(Map.of("steps", "5", "top", "3", "label", "channel_event"));
        Map<String, Long> nodes = nodes(s);
        assertEquals(Map.ofEntries(
                Map.entry("0:" + PV, 900L), Map.entry("0:" + NEWS, 60L), Map.entry("0:app · Login", 10L),
                Map.entry("0:other", 30L),
                Map.entry("1:" + OC, 700L), Map.entry("1:" + PV, 60L), Map.entry("1:drop-off", 240L),
                Map.entry("2:" + AS, 400L), Map.entry("2:" + TICKET, 300L), Map.entry("2:drop-off", 60L),
                Map.entry("3:" + AC, 400L), Map.entry("3:drop-off", 300L),
                Map.entry("4:drop-off", 400L)), nodes);
        assertEquals(Map.ofEntries(
                Map.entry("0:" + PV + " → 1:" + OC, 700L), Map.entry("0:" + PV + " → 1:drop-off", 200L),
                Map.entry("0:" + NEWS + " → 1:" + PV, 60L), Map.entry("0:app · Login → 1:drop-off", 10L),
                Map.entry("0:other → 1:drop-off", 30L),
                Map.entry("1:" + OC + " → 2:" + AS, 400L), Map.entry("1:" + OC + " → 2:" + TICKET, 300L),
                Map.entry("1:" + PV + " → 2:drop-off", 60L),
                Map.entry("2:" + AS + " → 3:" + AC, 400L), Map.entry("2:" + TICKET + " → 3:drop-off", 300L),
                Map.entry("3:" + AC + " → 4:drop-off", 400L)), links(s));
        assertInvariant(s, 5);
    }

    @Test
    void invariantHoldsOnEveryNodeForEveryShape() {
        for (String label : List.of("channel", "event", "channel_event")) {
            for (int steps : new int[]{2, 3, 10}) {
                for (int top : new int[]{1, 2, 50}) {
                    JsonPath s = paths(Map.of("steps", "" + steps, "top", "" + top, "label", label));
                    assertEquals(1000, s.getLong("profiles"));
                    assertInvariant(s, steps);
                }
            }
        }
    }

    @Test
    void repeatedStepsCollapsePerLabel() {
        // By channel, A is web → store → app: its two web views and two app events collapse.
        JsonPath s = paths(Map.of("steps", "4", "top", "8", "label", "channel"));
        Map<String, Long> links = links(s);
        assertEquals(700L, links.get("0:web → 1:store"));
        assertEquals(400L, links.get("1:store → 2:app"));
        assertEquals(400L, links.get("2:app → 3:drop-off"));
        assertEquals(300L, links.get("1:store → 2:callcenter"));
        assertEquals(60L, links.get("0:email → 1:web"));
    }

    @Test
    void startsWithAnchorsOnTheFirstOccurrence() {
        JsonPath s = paths(Map.of("steps", "3", "top", "8", "startsWith", OC));
        assertEquals(700, s.getLong("profiles"));
        Map<String, Long> links = links(s);
        assertEquals(Map.of("0:" + OC + " → 1:" + AS, 400L, "0:" + OC + " → 1:" + TICKET, 300L,
                "1:" + AS + " → 2:" + AC, 400L, "1:" + TICKET + " → 2:drop-off", 300L), links);
        assertInvariant(s, 3);
    }

    @Test
    void journeyFilterKeepsTheJourneysProfiles() {
        JsonPath s = paths(Map.of("steps", "5", "top", "8", "journey", journey));
        assertEquals(700, s.getLong("profiles"));
        assertEquals(700L, nodes(s).get("0:" + PV));
    }

    @Test
    void funnelCountsAndTimesToConvertAreExact() {
        JsonPath f = funnel();
        assertEquals(List.of("purchased", "activating", "activated"), f.getList("stages.stage"));
        assertEquals(700, f.getInt("stages[0].entered"));
        assertEquals(400, f.getInt("stages[0].convertedToNext"));
        assertEquals(400.0 / 700, f.getDouble("stages[0].conversionRate"), 1e-9);
        assertEquals(percentile(purchaseToActivating, 0.5), f.getDouble("stages[0].medianSecondsToNext"), 1e-6);
        assertEquals(percentile(purchaseToActivating, 0.9), f.getDouble("stages[0].p90SecondsToNext"), 1e-6);
        assertEquals(400, f.getInt("stages[1].entered"));
        assertEquals(400, f.getInt("stages[1].convertedToNext"));
        assertEquals(1800.0, f.getDouble("stages[1].medianSecondsToNext"), 1e-6);
        assertEquals("PT30M", f.getString("stages[1].medianTimeToNext"));
        assertEquals(400, f.getInt("stages[2].entered"));
        assertEquals(401, f.getInt("stages[2].entries"), "the re-entry counts, the redelivery does not");
        assertNull(f.get("stages[2].convertedToNext"));
        assertNull(f.get("stages[2].nextStage"));
    }

    @Test
    void funnelAgreesWithTheSankeyForTheSameSteps() {
        // The same definition from both sides: profiles of the journey anchored on the purchase.
        JsonPath s = paths(Map.of("steps", "2", "top", "8", "journey", journey, "startsWith", OC));
        JsonPath f = funnel();
        assertEquals(f.getLong("stages[0].entered"), nodes(s).get("0:" + OC));
        assertEquals(f.getLong("stages[0].convertedToNext"), links(s).get("0:" + OC + " → 1:" + AS));
    }

    @Test
    void funnelWithExplicitStagesAndANarrowerRange() {
        JsonPath f = given().auth().oauth2(JwtTestResource.token("analyst"))
                .queryParam("from", traffic.from()).queryParam("to", traffic.at(300).toString())
                .queryParam("stages", "purchased,activated")
                .get("/v1/journeys/{id}/funnel", journey).then().statusCode(200).extract().body().jsonPath(Json.DOUBLES);
        // Purchases at minutes 2..301 before 300: profiles 0..297 of A and none of B (they start at 400).
        assertEquals(List.of("purchased", "activated"), f.getList("stages.stage"));
        assertEquals(298, f.getInt("stages[0].entered"));
        // The range picks the cohort by its entry; its conversions count whenever they came (PostHog's rule), so the
        // profiles that activated after minute 300 count too: all 298 activated.
        long activatedBefore300 = 0;
        for (int i = 0; i < 298; i++) {
            if (i + 32 + (i % 60 + 1) < 300) {
                activatedBefore300++;
            }
        }
        assertTrue(activatedBefore300 < 298, "some activations fall after the end of the range");
        assertEquals(298, f.getLong("stages[0].convertedToNext"));
    }

    @Test
    void businessMetricsCountTransitionsAndStalls() {
        String journeyTag = "journey=\"" + journey + "\"";
        // 700 purchases in range and one before it; every stage entry is a transition, redeliveries included.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertEquals(701, WiringTest.metricValue(
                    "happypath_analytics_transitions_total{" + journeyTag + ",stage=\"purchased\"}"), 0.0);
            assertEquals(400, WiringTest.metricValue(
                    "happypath_analytics_transitions_total{" + journeyTag + ",stage=\"activating\"}"), 0.0);
            assertEquals(300, WiringTest.metricValue(
                    "happypath_analytics_stalls_total{" + journeyTag + ",stage=\"purchased\"}"), 0.0);
        });
    }

    @Test
    void channelEffectivenessPerStage() {
        JsonPath c = given().auth().oauth2(JwtTestResource.token("analyst"))
                .queryParam("from", traffic.from()).queryParam("to", traffic.to()).queryParam("window", "PT2H")
                .get("/v1/journeys/{id}/channels", journey).then().statusCode(200).extract().body().jsonPath(Json.DOUBLES);
        assertEquals("purchased", c.getString("stages[0].stage"));
        assertEquals(700, c.getInt("stages[0].profiles"));
        assertEquals(400, c.getInt("stages[0].advanced"));
        // In "purchased", A was touched by the store (the purchase itself) and B by the store and the call centre.
        Map<String, Object> callcenter = c.getMap("stages[0].channels.find { it.channel == 'callcenter' }");
        assertEquals(300, ((Number) callcenter.get("touched")).intValue());
        assertEquals(0, ((Number) callcenter.get("advanced")).intValue());
        assertEquals(400, ((Number) callcenter.get("untouched")).intValue());
        assertEquals(-1.0, ((Number) callcenter.get("lift")).doubleValue(), 1e-9);
        assertEquals("untouched", callcenter.get("baseline"));
    }

    JsonPath paths(Map<String, String> params) {
        return given().auth().oauth2(JwtTestResource.token("analyst"))
                .queryParam("from", traffic.from()).queryParam("to", traffic.to()).queryParams(params)
                .get("/v1/paths").then().statusCode(200).extract().body().jsonPath(Json.DOUBLES);
    }

    JsonPath funnel() {
        return given().auth().oauth2(JwtTestResource.token("analyst"))
                .queryParam("from", traffic.from()).queryParam("to", traffic.to())
                .get("/v1/journeys/{id}/funnel", journey).then().statusCode(200).extract().body().jsonPath(Json.DOUBLES);
    }

    static Map<String, Long> nodes(JsonPath s) {
        Map<String, Long> out = new HashMap<>();
        List<Map<String, Object>> nodes = s.getList("nodes");
        nodes.forEach(n -> out.put((String) n.get("id"), ((Number) n.get("profiles")).longValue()));
        return out;
    }

    static Map<String, Long> links(JsonPath s) {
        Map<String, Long> out = new HashMap<>();
        List<Map<String, Object>> links = s.getList("links");
        links.forEach(l -> out.put(l.get("source") + " → " + l.get("target"), ((Number) l.get("profiles")).longValue()));
        return out;
    }

    /** For every node: inflow (Σ incoming links; the node's count in column 0) = Σ outflow + drop-off. */
    static void assertInvariant(JsonPath s, int steps) {
        List<Map<String, Object>> nodes = s.getList("nodes");
        List<Map<String, Object>> links = s.getList("links");
        Map<String, Long> in = new HashMap<>();
        Map<String, Long> out = new HashMap<>();
        Map<String, Long> drop = new HashMap<>();
        for (Map<String, Object> l : links) {
            long w = ((Number) l.get("profiles")).longValue();
            in.merge((String) l.get("target"), w, Long::sum);
            if (((String) l.get("target")).endsWith(":drop-off")) {
                drop.merge((String) l.get("source"), w, Long::sum);
            } else {
                out.merge((String) l.get("source"), w, Long::sum);
            }
        }
        long firstColumn = 0;
        for (Map<String, Object> n : nodes) {
            String id = (String) n.get("id");
            int column = ((Number) n.get("column")).intValue();
            long profiles = ((Number) n.get("profiles")).longValue();
            if (column == 0) {
                firstColumn += profiles;
            } else {
                assertEquals(profiles, in.getOrDefault(id, 0L), "inflow of " + id);
            }
            if (!"drop-off".equals(n.get("label")) && column < steps - 1) {
                assertEquals(profiles, out.getOrDefault(id, 0L) + drop.getOrDefault(id, 0L), "node " + id);
                assertEquals(drop.getOrDefault(id, 0L), ((Number) n.get("dropOff")).longValue(), "drop-off of " + id);
            }
        }
        assertEquals(s.getLong("profiles"), firstColumn);
    }

    /**
     * The {@code q} percentile (interpolated like PostgreSQL's {@code percentile_cont}) of the times as the funnel
     * reports them: whole seconds below 1,000 s, three significant digits above, halves rounded up.
     */
    static double percentile(List<Double> values, double q) {
        List<Double> v = new ArrayList<>(values.stream().map(PathsAndFunnelTest::asReported).toList());
        Collections.sort(v);
        double pos = q * (v.size() - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        return v.get(lo) + (v.get(hi) - v.get(lo)) * (pos - lo);
    }

    /** A time to convert as the funnel counts it (the rule of the schema's seconds_bucket, written out). */
    static double asReported(double seconds) {
        BigDecimal s = BigDecimal.valueOf(seconds);
        return seconds < 1000
                ? s.setScale(0, RoundingMode.HALF_UP).doubleValue()
                : s.round(new MathContext(3, RoundingMode.HALF_UP)).doubleValue();
    }
}
