package io.happypath.analytics;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.happypath.analytics.domain.Label;
import io.happypath.analytics.domain.TimeRange;
import io.happypath.analytics.service.AggregateRebuild;
import io.happypath.analytics.service.AnalyticsService;
import io.happypath.devstack.JwtTestResource;
import io.happypath.devstack.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The incremental aggregates give exactly what scanning the raw facts gives, for every shape of query: a random
 * data set over three days (seeded), whose path events arrive out of order across batches, some twice, followed by
 * merges (with late events of the merged ids) and erasures. Sankeys are compared node by node and link by link for
 * every label kind, several step counts, top-N sizes, anchors, journey filters and ranges (whole days, partial days,
 * within one day); funnels stage by stage. A forced rebuild of the aggregates from the facts changes nothing.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(JwtTestResource.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AggregatesAgreeWithFactScansTest {

    static final String[][] STEPS = {{"web", "Product Viewed"}, {"web", "Checkout Started"}, {"app", "Login"},
            {"app", "Activation Started"}, {"store", "Order Completed"}, {"callcenter", "Support Ticket Opened"},
            {"email", "Newsletter Opened"}, {"web", "Page Viewed"}};
    static final int PROFILES = 400;

    @Inject
    AnalyticsService analytics;
    @Inject
    AggregateRebuild rebuild;
    @Inject
    Pool pool;

    Traffic t;
    String journeyA;
    String journeyB;

    /** Once per class (the data set is shared by the tests), in the first test's set-up. */
    @BeforeEach
    void sendDataSetOnce() {
        if (t != null) {
            return;
        }
        t = new Traffic();
        journeyA = "agg-a-" + t.run;
        journeyB = "agg-b-" + t.run;
        Random random = new Random(42);
        String prefix = "agg-" + t.run + "-";
        List<String[]> late = new ArrayList<>(); // events held back, sent after the later ones were stored
        int events = 0;
        int journeyFacts = 0;
        for (int i = 0; i < PROFILES; i++) {
            String p = prefix + i;
            int n = i % 10 == 0 ? 0 : 1 + random.nextInt(i % 7 == 0 ? 25 : 8);
            long start = random.nextInt(3 * 1440);
            List<String[]> mine = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                String[] step = STEPS[random.nextInt(random.nextInt(3) == 0 ? STEPS.length : 3)];
                // Some steps share a timestamp: the order then falls to the event id.
                long minute = start + k * (1 + random.nextInt(240)) / (random.nextInt(5) == 0 ? 1000 : 1);
                mine.add(new String[]{UUID.randomUUID().toString(), p, step[0], step[1], Long.toString(minute)});
            }
            for (int k = 0; k < mine.size(); k++) {
                // The first half of every third profile's path arrives late.
                if (i % 3 == 0 && k < mine.size() / 2) {
                    late.add(mine.get(k));
                } else {
                    send(mine.get(k));
                }
                events++;
            }
            // Journeys: A for 3 in 4 profiles (stages in varying order, some ties), B for one in 5.
            if (i % 4 != 3) {
                String[] stages = {"browse", "buy", "use"};
                int reached = 1 + random.nextInt(3);
                for (int s = 0; s < reached; s++) {
                    long minute = start + s * random.nextInt(300) + (random.nextInt(6) == 0 ? -200 : 0);
                    t.stageEntered(p, journeyA, stages[s], "web", t.at(minute));
                    journeyFacts++;
                }
            }
            if (i % 5 == 0) {
                t.stageEntered(p, journeyB, "x", "app", t.at(start + 10));
                t.stageEntered(p, journeyB, "y", "app", t.at(start + 10 + random.nextInt(3)));
                journeyFacts += 2;
            }
        }
        awaitCount("SELECT count(*) FROM analytics.fact_event WHERE profile_id LIKE $1", prefix + "%", events - late.size());
        awaitCount("SELECT count(*) FROM analytics.fact_journey WHERE profile_id LIKE $1", prefix + "%", journeyFacts);
        late.forEach(this::send);
        // Redeliveries of a few events already stored change nothing.
        for (int k = 0; k < 20; k++) {
            send(late.get(k));
        }
        awaitCount("SELECT count(*) FROM analytics.fact_event WHERE profile_id LIKE $1", prefix + "%", events);

        // Merges (survivor 2k+1 takes 2k), then a late event of a merged id, then erasures.
        int merges = 0;
        for (int i = 1; i < 60; i += 6) {
            t.merged(prefix + (i + 1), prefix + i, t.at(5000));
            merges++;
        }
        awaitCount("SELECT count(*) FROM analytics.profile_alias WHERE merged_id LIKE $1", prefix + "%", merges);
        t.track(prefix + 1, "email", "Promo Clicked", t.at(30));
        t.stageEntered(prefix + 7, journeyA, "use", "app", t.at(20));
        for (int i = 100; i < 110; i += 3) {
            t.erased(prefix + i, t.at(6000));
        }
        awaitCount("SELECT count(*) FROM analytics.erased_profile WHERE profile_id LIKE $1", prefix + "%", 4);
        awaitCount("SELECT count(*) FROM analytics.fact_event WHERE profile_id = $1 AND event = 'Promo Clicked'", prefix + 2,
                1);
        awaitCount("SELECT count(*) FROM analytics.fact_journey WHERE profile_id = $1 AND at = '"
                + t.at(20) + "'::timestamptz", prefix + 8, 1);
    }

    void send(String[] e) {
        t.track(e[0], e[1], e[2], e[3], t.at(Long.parseLong(e[4])));
    }

    void awaitCount(String sql, String param, long expected) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(300))
                .until(() -> pool.preparedQuery(sql).execute(Tuple.of(param)).await().indefinitely().iterator().next()
                        .getLong(0) == expected);
    }

    @AfterAll
    void close() {
        if (t != null) {
            t.close();
        }
    }

    List<TimeRange> ranges() {
        return List.of(new TimeRange(t.day, t.day.plus(Duration.ofDays(4))),
                new TimeRange(t.at(370), t.at(2 * 1440 + 125)),
                new TimeRange(t.at(1440), t.at(2 * 1440)),
                new TimeRange(t.at(100), t.at(900)),
                new TimeRange(t.day.minus(Duration.ofDays(1)), t.at(1440 + 1)));
    }

    @Test
    void sankeysAreTheSameForEveryShape() {
        int compared = 0;
        int index = 0;
        for (TimeRange range : ranges()) {
            for (Label label : Label.values()) {
                for (int steps : new int[]{2, 5, 10}) {
                    for (String journey : new String[]{null, journeyA}) {
                        for (String anchor : new String[]{null, label.of("app", "Login")}) {
                            int top = new int[]{1, 3, 8, 50}[index++ % 4];
                            AnalyticsService.Paths aggregated = analytics.paths(range, label, steps, top, anchor, journey)
                                    .await().indefinitely();
                            AnalyticsService.Paths scanned = analytics
                                    .pathsFromFacts(range, label, steps, top, anchor, journey).await().indefinitely();
                            String what = range + " " + label + " steps=" + steps + " top=" + top + " journey=" + journey
                                    + " anchor=" + anchor;
                            assertEquals(scanned.profiles(), aggregated.profiles(), what);
                            assertEquals(scanned.nodes(), aggregated.nodes(), what);
                            assertEquals(scanned.links(), aggregated.links(), what);
                            compared++;
                        }
                    }
                }
            }
        }
        assertEquals(5 * 3 * 3 * 2 * 2, compared);
        AnalyticsService.Paths all = analytics.paths(ranges().get(0), Label.CHANNEL_EVENT, 5, 8, null, null)
                .await().indefinitely();
        assertTrue(all.profiles() >= PROFILES * 9 / 10 - 10 - 4,
                "profiles with a path, less merged and erased: " + all.profiles());
    }

    @Test
    void funnelsAreTheSameStageByStage() {
        for (TimeRange range : ranges()) {
            for (String journey : new String[]{journeyA, journeyB}) {
                AnalyticsService.Funnel aggregated = analytics.funnel(journey, range, null,
                        io.happypath.analytics.domain.Breakdown.NONE).await().indefinitely();
                AnalyticsService.Funnel scanned = analytics.funnelFromFacts(journey, range, null).await().indefinitely();
                assertEquals(scanned.stages(), aggregated.stages(), journey + " " + range);
            }
            List<String> skipping = List.of("browse", "use");
            assertEquals(analytics.funnelFromFacts(journeyA, range, skipping).await().indefinitely().stages(),
                    analytics.funnel(journeyA, range, skipping, io.happypath.analytics.domain.Breakdown.NONE).await()
                            .indefinitely().stages());
        }
        AnalyticsService.Funnel a = analytics.funnel(journeyA, ranges().get(0), null,
                io.happypath.analytics.domain.Breakdown.NONE).await().indefinitely();
        assertEquals(3, a.stages().size());
        assertTrue(a.stages().get(0).entered() > 100, "enough profiles to compare: " + a.stages().get(0).entered());
    }

    @Test
    void funnelDayCountsEqualThePerProfileRowsTheyCount() {
        for (String journey : new String[]{journeyA, journeyB}) {
            assertEquals(rows("SELECT stage, (first_at AT TIME ZONE 'UTC')::date, count(*), sum(entries) "
                    + "FROM analytics.stage_entry WHERE journey_id = $1 GROUP BY 1, 2", journey),
                    rows("SELECT stage, day, profiles, entries FROM analytics.stage_day "
                            + "WHERE journey_id = $1 AND (profiles <> 0 OR entries <> 0)", journey),
                    journey);
            assertEquals(rows("SELECT stage, next_stage, (entered_at AT TIME ZONE 'UTC')::date, "
                    + "analytics.seconds_bucket(extract(epoch FROM converted_at - entered_at)), count(*) "
                    + "FROM analytics.stage_conversion WHERE journey_id = $1 GROUP BY 1, 2, 3, 4", journey),
                    rows("SELECT stage, next_stage, day, seconds, profiles FROM analytics.conversion_day "
                            + "WHERE journey_id = $1 AND profiles <> 0", journey),
                    journey);
        }
        assertTrue(rows("SELECT * FROM analytics.conversion_day WHERE journey_id = $1", journeyA).size() > 50);
    }

    @Test
    void timesToConvertAreBucketedAsDocumented() {
        Random random = new Random(7);
        for (int i = 0; i < 2000; i++) {
            // Thousandths of a second, from 0 to about a month, with each order of magnitude as likely.
            BigDecimal seconds = BigDecimal.valueOf((long) Math.pow(10, random.nextDouble() * 9.5), 3);
            long bucket = pool.preparedQuery("SELECT analytics.seconds_bucket($1::numeric)")
                    .execute(Tuple.of(seconds)).await().indefinitely().iterator().next().getLong(0);
            assertEquals(PathsAndFunnelTest.asReported(seconds.doubleValue()), bucket, 0.0, seconds.toPlainString());
        }
    }

    /** The rows of a query, each as the list of its values in text. */
    Set<List<String>> rows(String sql, String param) {
        Set<List<String>> out = new HashSet<>();
        pool.preparedQuery(sql).execute(Tuple.of(param)).await().indefinitely().forEach(r -> {
            List<String> row = new ArrayList<>();
            for (int c = 0; c < r.size(); c++) {
                row.add(String.valueOf(r.getValue(c)));
            }
            out.add(row);
        });
        return out;
    }

    @Test
    void aForcedRebuildChangesNothing() {
        Map<String, AnalyticsService.Paths> before = new HashMap<>();
        for (Label label : Label.values()) {
            before.put(label.name(), analytics.paths(ranges().get(1), label, 10, 50, null, null).await().indefinitely());
        }
        assertTrue(rebuild.rebuild(true).await().indefinitely() > 0);
        for (Label label : Label.values()) {
            AnalyticsService.Paths after = analytics.paths(ranges().get(1), label, 10, 50, null, null).await().indefinitely();
            assertEquals(before.get(label.name()), after, label.name());
            assertEquals(analytics.pathsFromFacts(ranges().get(1), label, 10, 50, null, null).await().indefinitely().nodes(),
                    after.nodes());
        }
    }
}
