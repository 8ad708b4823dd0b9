package io.happypath.analytics.bench;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import io.happypath.contracts.CloudEventTypes;
import io.happypath.contracts.Topics;
import io.happypath.devstack.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The benchmark's data set, in place before the service starts: a fresh database of its own, and the input topics
 * loaded with {@code bench.events} path events of {@code bench.profiles} profiles over {@code bench.days} days (plus
 * the lifecycle journey's stage entries they trigger), in time order across profiles, as a live stream would
 * deliver them. The service then drains the backlog through its normal consumers.
 */
public class BenchDataSet implements QuarkusTestResourceLifecycleManager {

    static final String DATABASE = "happypath_analytics_bench";
    static final String JOURNEY = "lifecycle";
    /** The first day of the data. */
    static final Instant START = Instant.parse("2031-03-01T00:00:00Z");

    /** Steps of the lifecycle model: channel, event, and the stage its first occurrence enters (or null). */
    private static final String[][] STEPS = {
            {"web", "Product Viewed", "awareness"},
            {"app", "Product Viewed", "awareness"},
            {"web", "Product Added", "consideration"},
            {"web", "Checkout Started", null},
            {"store", "Order Completed", "purchase"},
            {"web", "Order Completed", "purchase"},
            {"app", "Activation Started", "usage"},
            {"app", "App Opened", null},
            {"callcenter", "Support Ticket Opened", null},
            {"email", "Newsletter Opened", null},
            {"store", "Order Completed", "loyalty"},
    };
    /** Next-step weights per step (rows: from, columns: to); a profile's first step is 0, 1 or 9. */
    private static final int[][] NEXT = {
            {30, 5, 30, 5, 10, 0, 0, 0, 5, 15, 0},
            {5, 30, 30, 5, 5, 5, 0, 0, 5, 15, 0},
            {10, 5, 10, 40, 10, 10, 0, 0, 5, 10, 0},
            {5, 0, 5, 10, 20, 50, 0, 0, 5, 5, 0},
            {5, 0, 0, 0, 0, 0, 60, 10, 15, 5, 5},
            {5, 0, 0, 0, 0, 0, 60, 10, 15, 5, 5},
            {0, 0, 0, 0, 0, 0, 5, 60, 25, 5, 5},
            {5, 5, 5, 0, 0, 0, 0, 50, 10, 10, 15},
            {5, 5, 0, 0, 0, 0, 10, 40, 20, 10, 10},
            {40, 20, 10, 5, 5, 5, 0, 5, 0, 10, 0},
            {10, 5, 5, 5, 0, 0, 0, 60, 5, 10, 0},
    };

    @Override
    public Map<String, String> start() {
        long events = Long.getLong("bench.events", 100_000);
        int profiles = Integer.getInteger("bench.profiles", 5_000);
        int days = Integer.getInteger("bench.days", 28);
        String groupId = "analytics-bench-" + System.currentTimeMillis();
        long[] counts;
        double seconds;
        if (Boolean.getBoolean("bench.reuse")) {
            // The database a run with bench.keep left (loaded with the same bench.events, bench.profiles, bench.days):
            // only the queries are measured again.
            counts = new long[]{count("SELECT count(*) FROM analytics.fact_event"),
                    count("SELECT count(*) FROM analytics.fact_journey")};
            seconds = 0;
        } else {
            recreateDatabase();
            long started = System.nanoTime();
            counts = produce(KafkaBrokerResource.bootstrapServers(), events, profiles, days, new Random(20310301));
            seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("BENCH data set: %d path events, %d stage entries, %d profiles over %d days, produced in "
                    + "%.1f s%n", counts[0], counts[1], profiles, days, seconds);
        }
        // The test reads what was loaded from configuration: this class and the test may live in different class loaders.
        return Map.of("quarkus.datasource.reactive.url", "postgresql://127.0.0.1:5432/" + DATABASE,
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:5432/" + DATABASE,
                "mp.messaging.connector.smallrye-kafka.group.id", groupId,
                "bench.loaded.events", Long.toString(counts[0]), "bench.loaded.stage-entries", Long.toString(counts[1]),
                "bench.loaded.profiles", Integer.toString(profiles), "bench.loaded.days", Integer.toString(days),
                "bench.loaded.produce-seconds", Double.toString(seconds));
    }

    @Override
    public void stop() {
        if (!Boolean.getBoolean("bench.keep")) {
            execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
        }
    }

    private static void recreateDatabase() {
        execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
        execute("CREATE DATABASE " + DATABASE);
    }

    private static long count(String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + DATABASE, "postgres", "");
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not run " + sql + " (bench.reuse needs the database of a bench.keep run)",
                    e);
        }
    }

    private static void execute(String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not run " + sql, e);
        }
    }

    /** One generated record: when, whose, which step, whether it enters a stage. */
    private record Generated(long millis, int profile, byte step, String stage, long seq) {
    }

    /** Generates and sends the data set; returns {path events, stage entries}. */
    static long[] produce(String bootstrap, long events, int profiles, int days, Random random) {
        int[] perProfile = new int[profiles];
        long assigned = 0;
        for (int i = 0; i < profiles; i++) {
            // Between 1 and about twice the average, adjusted below so that the total is exact.
            perProfile[i] = 1 + random.nextInt((int) Math.max(1, 2 * events / profiles - 1));
            assigned += perProfile[i];
        }
        while (assigned != events) {
            int i = random.nextInt(profiles);
            if (assigned < events) {
                perProfile[i]++;
                assigned++;
            } else if (perProfile[i] > 1) {
                perProfile[i]--;
                assigned--;
            }
        }
        long span = Duration.ofDays(days).toMillis();
        List<Generated> all = new ArrayList<>((int) (events * 5 / 4));
        long seq = 0;
        for (int p = 0; p < profiles; p++) {
            long t = (long) (random.nextDouble() * span * 0.8);
            int step = new int[]{0, 1, 9}[random.nextInt(3)];
            boolean[] entered = new boolean[STEPS.length];
            boolean purchased = false;
            for (int k = 0; k < perProfile[p]; k++) {
                String stage = STEPS[step][2];
                String enters = null;
                if ("purchase".equals(stage) && purchased) {
                    stage = "loyalty";
                }
                if (stage != null) {
                    int key = Arrays.asList("awareness", "consideration", "purchase", "usage", "loyalty").indexOf(stage);
                    if (!entered[key]) {
                        entered[key] = true;
                        enters = stage;
                    }
                    if (key == 2) {
                        purchased = true;
                    }
                }
                all.add(new Generated(Math.min(t, span - 1), p, (byte) step, enters, seq++));
                // Minutes to hours between steps, sometimes days.
                t += random.nextInt(10) == 0
                        ? (long) (random.nextDouble() * 3 * 86_400_000L)
                        : 60_000L + (long) (random.nextDouble() * 4 * 3_600_000L);
                step = next(step, random);
            }
        }
        all.sort(Comparator.comparingLong(Generated::millis).thenComparingLong(Generated::seq));
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "1");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        long paths = 0;
        long stages = 0;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (Generated g : all) {
                String profile = "bench-" + g.profile();
                String at = START.plusMillis(g.millis()).toString();
                String[] s = STEPS[g.step()];
                String id = "e-" + g.seq();
                String json = "{\"type\":\"track\",\"messageId\":\"" + id + "\",\"event\":\"" + s[1] + "\",\"profileId\":\""
                        + profile + "\",\"source\":\"" + s[0] + "\",\"timestamp\":\"" + at + "\",\"receivedAt\":\"" + at
                        + "\",\"properties\":{}}";
                producer.send(record(Topics.EVENTS, profile, id, CloudEventTypes.TRACK, json));
                paths++;
                if (g.stage() != null) {
                    String sid = "s-" + g.seq();
                    String entered = "{\"profileId\":\"" + profile + "\",\"journeyId\":\"" + JOURNEY + "\",\"stage\":\""
                            + g.stage() + "\",\"onHappyPath\":true,\"channel\":\"" + s[0] + "\",\"event\":\"" + s[1]
                            + "\",\"at\":\"" + at + "\"}";
                    producer.send(record(Topics.JOURNEY, profile, sid, CloudEventTypes.STAGE_ENTERED, entered));
                    stages++;
                }
            }
            producer.flush();
        }
        return new long[]{paths, stages};
    }

    private static int next(int step, Random random) {
        int[] weights = NEXT[step];
        int total = Arrays.stream(weights).sum();
        int r = random.nextInt(total);
        for (int i = 0; i < weights.length; i++) {
            r -= weights[i];
            if (r < 0) {
                return i;
            }
        }
        return 0;
    }

    private static ProducerRecord<String, String> record(String topic, String key, String id, String type, String json) {
        ProducerRecord<String, String> r = new ProducerRecord<>(topic, key, json);
        r.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        r.headers().add("ce_id", id.getBytes(StandardCharsets.UTF_8));
        r.headers().add("ce_type", type.getBytes(StandardCharsets.UTF_8));
        r.headers().add("ce_source", "/bench".getBytes(StandardCharsets.UTF_8));
        r.headers().add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
        return r;
    }
}
