package io.happypath.identity.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.happypath.contracts.CloudEventTypes;
import io.happypath.contracts.Topics;
import io.happypath.devstack.JwtTestResource;
import io.happypath.devstack.KafkaBrokerResource;
import io.happypath.identity.messaging.Publisher;
import io.happypath.identity.service.ResolutionService;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Benchmark of issue 4 (not a test: surefire does not pick it up by name; it asserts only that the work was done).
 * <ol>
 * <li>Throughput from {@code hp.events.raw.v1} to {@code hp.events.v1}: {@code bench.profiles} profiles (default
 * 100,000) are loaded into PostgreSQL first; then, after {@code bench.warmup} events (default 10,000, not counted),
 * {@code bench.events} raw events (default 50,000) are produced as fast as the producer goes: 90 % on a random existing profile (track, page, identify with traits), 10 % carrying a
 * new identifier (half a new visitor, hence a new profile; half a new e-mail linked to an existing profile). The
 * figure is events divided by the time from the first send to the Kafka timestamp of the last stitched event.</li>
 * <li>Merge latency: {@code bench.merges} (default 500) events, one at a time, each joining two existing profiles (an
 * anonymous visitor's and a known user's), timed from the call to the committed transaction and Kafka's
 * acknowledgement of its messages (resolve + publish); p50, p99 and max.</li>
 * </ol>
 * Run (one command, from the repository root):
 *
 * <pre>
 * ./mvnw -B -pl identity-service test -Dtest=ResolutionThroughputBench -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * and read the {@code BENCH} lines. The data is deleted afterwards.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(JwtTestResource.class)
class ResolutionThroughputBench {

    final String run = "b" + UUID.randomUUID().toString().substring(0, 8);
    final Random random = new Random(42);

    @Inject
    Pool pool;

    @Inject
    ResolutionService resolution;

    @Inject
    Publisher publisher;

    @Test
    void rawToStitchedThenMerges() throws Throwable {
        int profiles = Integer.getInteger("bench.profiles", 100_000);
        int events = Integer.getInteger("bench.events", 50_000);
        int merges = Integer.getInteger("bench.merges", 500);

        long loading = System.nanoTime();
        preload(profiles, merges);
        System.out.printf("BENCH identity preload: %d profiles (+ %d merge pairs) in %.1f s%n", profiles, merges,
                (System.nanoTime() - loading) / 1e9);

        // Warm-up: the JIT compiles the hot path and the pools fill; not counted.
        throughput(profiles, Integer.getInteger("bench.warmup", 10_000), "warm-up");
        throughput(profiles, events, "raw->stitched");
        mergeLatency(merges);
    }

    /** Profiles {@code <run>-p-<i>} held by anonymous ids, seen two days ago; merge pairs: a visitor and a user. */
    void preload(int profiles, int pairs) {
        String ago = "now() - interval '30 days'";
        pool.query("insert into identity.profiles (id, created_at, updated_at, traits, trait_times) select md5('" + run
                + "' || g)::uuid, " + ago + ", " + ago + ", '{}', '{}' from generate_series(1, " + profiles + ") g")
                .execute().await().indefinitely();
        pool.query("insert into identity.identifiers (type, value, profile_id, first_seen, last_seen) select 'anonymous_id', '"
                + run + "-p-' || g, md5('" + run + "' || g)::uuid, " + ago + ", now() - interval '2 days'"
                + " from generate_series(1, " + profiles + ") g").execute().await().indefinitely();
        for (String side : List.of("a", "u")) {
            String type = side.equals("a") ? "anonymous_id" : "user_id";
            pool.query("insert into identity.profiles (id, created_at, updated_at, traits, trait_times) select md5('" + run
                    + side + "' || g)::uuid, " + ago + ", " + ago + ", '{\"plan\":\"" + side + "\"}',"
                    + " '{\"plan\":\"2026-01-01T00:00:00Z\"}' from generate_series(1, " + pairs + ") g")
                    .execute().await().indefinitely();
            pool.query("insert into identity.identifiers (type, value, profile_id, first_seen, last_seen) select '" + type
                    + "', '" + run + "-m" + side + "-' || g, md5('" + run + side + "' || g)::uuid, " + ago + ", " + ago
                    + " from generate_series(1, " + pairs + ") g").execute().await().indefinitely();
        }
        pool.query("analyze identity.identifiers").execute().await().indefinitely();
        pool.query("analyze identity.profiles").execute().await().indefinitely();
    }

    void throughput(int profiles, int events, String phase) {
        List<ProducerRecord<String, String>> records = new ArrayList<>(events);
        int newVisitors = 0, newEmails = 0;
        for (int i = 0; i < events; i++) {
            String anon = run + "-p-" + (1 + random.nextInt(profiles));
            String json;
            if (i % 10 == 0 && (i / 10) % 2 == 0) {
                anon = run + "-new-" + phase.charAt(0) + i;
                json = message("track", anon, "\"event\":\"Viewed\"");
                newVisitors++;
            } else if (i % 10 == 0) {
                json = message("identify", anon, "\"traits\":{\"email\":\"" + run + "-" + phase.charAt(0) + i
                        + "@x.test\",\"plan\":\"pro\"}");
                newEmails++;
            } else if (i % 10 == 1) {
                json = message("identify", anon, "\"traits\":{\"plan\":\"basic\",\"visits\":" + i + "}");
            } else if (i % 10 == 2) {
                json = message("page", anon, "\"name\":\"Home\"");
            } else {
                json = message("track", anon, "\"event\":\"Viewed\",\"properties\":{\"i\":" + i + "}");
            }
            String type = json.substring(9, json.indexOf('"', 9));
            ProducerRecord<String, String> r = new ProducerRecord<>(Topics.RAW_EVENTS, anon, json);
            r.headers().add("ce_specversion", bytes("1.0"));
            r.headers().add("ce_id", bytes(run + "-" + phase.charAt(0) + i));
            r.headers().add("ce_type", bytes(CloudEventTypes.ofSegmentType(type)));
            r.headers().add("ce_source", bytes("/bench"));
            r.headers().add("content-type", bytes("application/json"));
            records.add(r);
        }

        try (KafkaConsumer<String, String> stitched = consumer()) {
            List<TopicPartition> partitions = stitched.partitionsFor(Topics.EVENTS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            stitched.assign(partitions);
            stitched.seekToEnd(partitions);
            partitions.forEach(stitched::position);

            long jvmCpu = jvmCpuNanos();
            Map<Integer, Long> postgresCpu = postgresCpuNanos();
            long start = System.currentTimeMillis();
            try (KafkaProducer<String, String> producer = producer()) {
                records.forEach(producer::send);
                producer.flush();
            }
            long produced = System.currentTimeMillis();

            int seen = 0;
            long last = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (seen < events && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : stitched.poll(Duration.ofMillis(500))) {
                    String id = header(r, "ce_id");
                    if (id != null && id.startsWith(run + "-" + phase.charAt(0))) {
                        seen++;
                        last = Math.max(last, r.timestamp());
                    }
                }
            }
            assertThat(seen).as("stitched events of this run").isEqualTo(events);
            double jvmMicros = (jvmCpuNanos() - jvmCpu) / 1e3 / events;
            double postgresMicros = postgresCpuNanos().entrySet().stream()
                    .mapToLong(e -> e.getValue() - postgresCpu.getOrDefault(e.getKey(), 0L)).sum() / 1e3 / events;
            double seconds = (last - start) / 1e3;
            System.out.printf("BENCH identity " + phase + ": %d events on %d profiles (%d new visitors, %d new e-mails) in"
                    + " %.1f s = %.0f events/s (producer done after %.1f s)%n", events, profiles, newVisitors, newEmails,
                    seconds, events / seconds, (produced - start) / 1e3);
            if (postgresMicros > 0) {
                // CPU time grows little when other processes compete for the cores, unlike elapsed time.
                System.out.printf("BENCH identity %s CPU per event: %.0f us in this JVM (service, Kafka broker and load"
                        + " client), %.0f us in its PostgreSQL backends; 2 idle cores could do at most %.0f events/s%n",
                        phase,
                        jvmMicros, postgresMicros, 2e6 / (jvmMicros + postgresMicros));
            }
        }
    }

    void mergeLatency(int merges) throws Throwable {
        long[] micros = new long[merges];
        for (int i = 1; i <= merges; i++) {
            String json = "{\"type\":\"track\",\"event\":\"Logged In\",\"messageId\":\"" + UUID.randomUUID()
                    + "\",\"anonymousId\":\"" + run + "-ma-" + i + "\",\"userId\":\"" + run + "-mu-" + i
                    + "\",\"timestamp\":\"" + Instant.now() + "\"}";
            String eventId = run + "-merge-" + i;
            long t0 = System.nanoTime();
            ResolutionService.Outcome outcome = VertxContextSupport.subscribeAndAwait(() -> resolution
                    .resolve(eventId, CloudEventTypes.TRACK, json)
                    .call(o -> publisher.publish(((ResolutionService.Resolved) o).outgoing())));
            micros[i - 1] = (System.nanoTime() - t0) / 1000;
            assertThat(((ResolutionService.Resolved) outcome).outgoing().messages())
                    .anySatisfy(m -> assertThat(m.ceType()).isEqualTo(CloudEventTypes.PROFILE_MERGED));
        }
        Arrays.sort(micros);
        System.out.printf("BENCH identity merge of two profiles (resolve + publish, one at a time): %d merges, p50 %.1f ms,"
                + " p99 %.1f ms, max %.1f ms%n", merges, percentile(micros, 0.50) / 1e3, percentile(micros, 0.99) / 1e3,
                micros[micros.length - 1] / 1e3);
    }

    @AfterEach
    void deleteTheData() {
        String like = run + "%";
        pool.withTransaction(c -> c.preparedQuery("delete from identity.processed_events where event_id like $1")
                .execute(Tuple.of(like))
                .chain(() -> c.preparedQuery("delete from identity.links where event_id like $1").execute(Tuple.of(like)))
                .chain(() -> c.preparedQuery("delete from identity.merges where event_id like $1").execute(Tuple.of(like)))
                .chain(() -> c.preparedQuery("delete from identity.outbox where event_id like $1").execute(Tuple.of(like)))
                .chain(() -> c.preparedQuery("delete from identity.profiles where id in (select profile_id from"
                        + " identity.identifiers where value like $1) or merged_into in (select profile_id from"
                        + " identity.identifiers where value like $1)").execute(Tuple.of(like))))
                .await().indefinitely();
    }

    static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * CPU time (user + system) per PostgreSQL backend serving this JVM's connections, from /proc (Linux; empty
     * elsewhere): other builds on the machine use the same server, their work must not count.
     */
    Map<Integer, Long> postgresCpuNanos() {
        try {
            Set<Integer> ports = ownTcpPorts();
            List<Integer> backends = pool.preparedQuery("select pid from pg_stat_activity where client_port = any($1)")
                    .execute(Tuple.of(ports.toArray(Integer[]::new))).await().indefinitely().stream()
                    .map(r -> r.getInteger(0)).toList();
            Map<Integer, Long> cpu = new HashMap<>();
            for (int pid : backends) {
                String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
                // after "(comm) ": the state is field 3, utime and stime fields 14 and 15
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                cpu.put(pid, (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L); // USER_HZ 100
            }
            return cpu;
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
    }

    /** The local ports of this process's TCP sockets: its socket inodes looked up in /proc/net/tcp. */
    static Set<Integer> ownTcpPorts() throws IOException {
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        Set<Integer> ports = new HashSet<>();
        for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (inodes.contains(f[9])) {
                    ports.add(Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16));
                }
            }
        }
        return ports;
    }

    static double percentile(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    String message(String type, String anonymousId, String fields) {
        return "{\"type\":\"" + type + "\",\"messageId\":\"" + UUID.randomUUID() + "\",\"anonymousId\":\"" + anonymousId
                + "\",\"timestamp\":\"" + Instant.now() + "\",\"source\":\"bench\"," + fields + "}";
    }

    static KafkaProducer<String, String> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBrokerResource.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
        return new KafkaProducer<>(props);
    }

    static KafkaConsumer<String, String> consumer() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBrokerResource.bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(props);
    }

    static String header(ConsumerRecord<?, ?> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
