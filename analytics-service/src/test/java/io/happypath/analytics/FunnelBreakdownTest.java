package io.happypath.analytics;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.ArrayList;
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
 * The funnel broken down by first channel and by segment, on designed profiles with known answers: counts, rates,
 * median and p90 per group, segment membership as of the end of the range, and agreement with the Sankey's first
 * column.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(JwtTestResource.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FunnelBreakdownTest {

    Traffic traffic;
    String journey;
    /** Seconds from purchase to activation, per first channel. */
    final Map<String, List<Double>> toActivate = new HashMap<>();

    @BeforeEach
    void sendDataSetOnce() {
        if (traffic != null) {
            return;
        }
        traffic = new Traffic();
        Traffic t = traffic;
        journey = "breakdown-" + t.run;
        // Web: 100 profiles start on the web and buy a minute later; 60 activate 10..70 minutes after.
        for (int i = 0; i < 100; i++) {
            String p = web(i);
            t.track(p, "web", "Product Viewed", t.at(i));
            t.stageEntered(p, journey, "purchased", "web", t.at(i + 1));
            if (i < 60) {
                long d = (i % 7 + 1) * 10;
                toActivate.computeIfAbsent("web", k -> new ArrayList<>()).add(d * 60.0);
                t.stageEntered(p, journey, "activating", "app", t.at(i + 1 + d));
            }
        }
        // Store: 50 profiles start by buying in the store; 40 activate 30..150 minutes after.
        for (int i = 0; i < 50; i++) {
            String p = store(i);
            t.track(p, "store", "Order Completed", t.at(200 + i));
            t.stageEntered(p, journey, "purchased", "store", t.at(200 + i));
            if (i < 40) {
                long d = (i % 5 + 1) * 30;
                toActivate.computeIfAbsent("store", k -> new ArrayList<>()).add(d * 60.0);
                t.stageEntered(p, journey, "activating", "app", t.at(200 + i + d));
            }
        }
        // No path step at all: 30 profiles known only from their journey; 10 activate an hour after.
        for (int i = 0; i < 30; i++) {
            String p = "bd-" + t.run + "-none-" + i;
            t.stageEntered(p, journey, "purchased", "callcenter", t.at(400 + i));
            if (i < 10) {
                toActivate.computeIfAbsent("(none)", k -> new ArrayList<>()).add(3600.0);
                t.stageEntered(p, journey, "activating", "app", t.at(460 + i));
            }
        }
        String vip = "vip-" + t.run;
        String risk = "risk-" + t.run;
        for (int i = 0; i < 20; i++) {
            t.segmentChanged(web(i), vip, true, t.at(0));
        }
        t.segmentChanged(web(25), vip, true, t.at(0));
        t.segmentChanged(web(26), vip, true, t.at(0));
        for (int i = 0; i < 10; i++) {
            t.segmentChanged(store(i), vip, true, t.at(0));
        }
        for (int i = 20; i < 30; i++) {
            t.segmentChanged(web(i), risk, true, t.at(1));
        }
        for (int i = 20; i < 25; i++) {
            t.segmentChanged(web(i), risk, false, t.at(2));
        }
        // Joining after the end of the range does not count for it.
        for (int i = 30; i < 35; i++) {
            t.segmentChanged(web(i), risk, true, t.day.plus(Duration.ofDays(2)));
        }
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
            JsonPath f = funnel("segment");
            return f.getInt("stages[0].entered") == 180 && f.getInt("stages[1].entered") == 110
                    && f.getInt("breakdowns.find { it.value == '" + risk + "' }.stages[0].entered") == 5
                    && f.getInt("breakdowns.find { it.value == '" + vip + "' }.stages[0].entered") == 32;
        });
    }

    String web(int i) {
        return "bd-" + traffic.run + "-web-" + i;
    }

    String store(int i) {
        return "bd-" + traffic.run + "-store-" + i;
    }

    @AfterAll
    void close() {
        if (traffic != null) {
            traffic.close();
        }
    }

    @Test
    void byFirstChannel() {
        JsonPath f = funnel("firstChannel");
        assertEquals("firstChannel", f.getString("breakdown"));
        assertEquals(List.of("web", "store", "(none)"), f.getList("breakdowns.value"), "by profiles entering, descending");
        assertGroup(f, "web", 100, 60, toActivate.get("web"));
        assertGroup(f, "store", 50, 40, toActivate.get("store"));
        assertGroup(f, "(none)", 30, 10, toActivate.get("(none)"));
        // The groups split the whole, which is the same as without a breakdown.
        assertEquals(180, f.getInt("stages[0].entered"));
        assertEquals(110, f.getInt("stages[0].convertedToNext"));
        List<Double> all = new ArrayList<>();
        toActivate.values().forEach(all::addAll);
        assertEquals(PathsAndFunnelTest.percentile(all, 0.5), f.getDouble("stages[0].medianSecondsToNext"), 1e-6);
        assertEquals(PathsAndFunnelTest.percentile(all, 0.9), f.getDouble("stages[0].p90SecondsToNext"), 1e-6);
        JsonPath plain = funnel(null);
        assertEquals(f.getList("stages"), plain.getList("stages"));
        assertNull(plain.get("breakdown"));
        assertNull(plain.get("breakdowns"));
    }

    @Test
    void firstChannelAgreesWithTheSankeysFirstColumn() {
        JsonPath s = given().auth().oauth2(JwtTestResource.token("analyst")).queryParam("from", traffic.from())
                .queryParam("to", traffic.to()).queryParam("journey", journey).queryParam("label", "channel")
                .queryParam("steps", "2").get("/v1/paths").then().statusCode(200).extract().body().jsonPath();
        JsonPath f = funnel("firstChannel");
        Map<String, Long> nodes = PathsAndFunnelTest.nodes(s);
        assertEquals(f.getLong("breakdowns.find { it.value == 'web' }.stages[0].entered"), nodes.get("0:web"));
        assertEquals(f.getLong("breakdowns.find { it.value == 'store' }.stages[0].entered"), nodes.get("0:store"));
        assertEquals(150, s.getLong("profiles"), "the 30 profiles without a step have no path");
    }

    @Test
    void bySegmentAtTheEndOfTheRange() {
        JsonPath f = funnel("segment");
        String vip = "vip-" + traffic.run;
        String risk = "risk-" + traffic.run;
        assertEquals(List.of("(none)", vip, risk), f.getList("breakdowns.value"));
        // vip: web 0..19, 25, 26 (all activate) and store 0..9 (all activate).
        List<Double> vipTimes = new ArrayList<>(toActivate.get("web").subList(0, 20));
        vipTimes.add(toActivate.get("web").get(25));
        vipTimes.add(toActivate.get("web").get(26));
        vipTimes.addAll(toActivate.get("store").subList(0, 10));
        assertGroup(f, vip, 32, 32, vipTimes);
        // At risk at the end of the range: web 25..29 (20..24 left, 30..34 joined later).
        assertGroup(f, risk, 5, 5, toActivate.get("web").subList(25, 30));
        // In neither: 180 − 35 profiles (web 25 and 26 are in both), of whom 110 − 35 activated.
        assertEquals(145, f.getInt("breakdowns.find { it.value == '(none)' }.stages[0].entered"));
        assertEquals(75, f.getInt("breakdowns.find { it.value == '(none)' }.stages[0].convertedToNext"));
        // Two days on, web 30..34 are at risk too.
        JsonPath later = given().auth().oauth2(JwtTestResource.token("analyst")).queryParam("from", traffic.from())
                .queryParam("to", traffic.day.plus(Duration.ofDays(3)).toString()).queryParam("breakdown", "segment")
                .get("/v1/journeys/{id}/funnel", journey).then().statusCode(200).extract().body().jsonPath(Json.DOUBLES);
        assertEquals(10, later.getInt("breakdowns.find { it.value == '" + risk + "' }.stages[0].entered"));
    }

    @Test
    void unknownBreakdownIsA400() {
        given().auth().oauth2(JwtTestResource.token("analyst")).queryParam("breakdown", "country")
                .get("/v1/journeys/{id}/funnel", journey).then().statusCode(400).body("error", equalTo("invalid_parameter"))
                .body("details[0].parameter", equalTo("breakdown"))
                .body("message", containsString("firstChannel|segment"));
    }

    void assertGroup(JsonPath f, String value, int entered, int converted, List<Double> seconds) {
        String g = "breakdowns.find { it.value == '" + value + "' }";
        assertEquals(entered, f.getInt(g + ".stages[0].entered"), value);
        assertEquals(converted, f.getInt(g + ".stages[0].convertedToNext"), value);
        assertEquals((double) converted / entered, f.getDouble(g + ".stages[0].conversionRate"), 1e-12, value);
        assertEquals(PathsAndFunnelTest.percentile(seconds, 0.5), f.getDouble(g + ".stages[0].medianSecondsToNext"), 1e-6,
                value);
        assertEquals(PathsAndFunnelTest.percentile(seconds, 0.9), f.getDouble(g + ".stages[0].p90SecondsToNext"), 1e-6,
                value);
        assertEquals(converted, f.getInt(g + ".stages[1].entered"), value);
    }

    JsonPath funnel(String breakdown) {
        var request = given().auth().oauth2(JwtTestResource.token("analyst")).queryParam("from", traffic.from())
                .queryParam("to", traffic.to());
        if (breakdown != null) {
            request = request.queryParam("breakdown", breakdown);
        }
        return request.get("/v1/journeys/{id}/funnel", journey).then().statusCode(200).extract().body().jsonPath(Json.DOUBLES);
    }
}
