package io.happypath.devstack.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The raw Kafka producer's ceiling on this machine, measured by Kafka's own {@code kafka-producer-perf-test}
 * ({@code org.apache.kafka.tools.ProducerPerformance} from kafka-tools, run unchanged in a child JVM on this classpath)
 * with the collector's producer settings (acks=all, idempotence, gzip level 1, linger 5 ms) and a payload file of the
 * same Segment messages the collector load sends, so that the collector's throughput can be reported as a ratio of it.
 */
public final class ProducerCeiling {

    /* The tool's final line: "300000 records sent, 64919.2 records/sec (32.45 MB/sec), 4.21 ms avg latency, ...". */
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+) "
            + "MB/sec\\), ([\\d.]+) ms avg latency, ([\\d.]+) ms max latency, (\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms "
            + "99th");

    private ProducerCeiling() {
    }

    /** What the tool reported. */
    public record Result(long records, double recordsPerSecond, double megabytesPerSecond, int p50Ms, int p99Ms) {

        public String describe() {
            return String.format(Locale.ROOT, "%,d records, %,.0f records/s (%.1f MB/s), send latency p50 %d ms, p99 %d"
                    + " ms", records, recordsPerSecond, megabytesPerSecond, p50Ms, p99Ms);
        }
    }

    public static Result run(String bootstrapServers, String topic, SegmentTraffic traffic, long records)
            throws IOException, InterruptedException {
        Path payloads = Files.createTempFile("happypath-bench-payloads", ".jsonl");
        try {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 512; i++) {
                lines.add(traffic.message());
            }
            Files.write(payloads, lines, StandardCharsets.UTF_8);
            List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Djava.util.logging.manager=org.jboss.logmanager.LogManager", "-cp",
                    System.getProperty("java.class.path"), "org.apache.kafka.tools.ProducerPerformance",
                    "--topic", topic, "--num-records", Long.toString(records), "--throughput", "-1",
                    "--payload-file", payloads.toString(), "--producer-props", "bootstrap.servers=" + bootstrapServers,
                    "acks=all", "enable.idempotence=true", "compression.type=gzip", "compression.gzip.level=1",
                    "linger.ms=5");
            Process tool = new ProcessBuilder(command).redirectErrorStream(true).start();
            Matcher summary = null;
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(tool.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    System.out.println("   | " + line);
                    Matcher m = SUMMARY.matcher(line);
                    if (m.find() && line.contains("50th")) {
                        summary = m;
                    }
                }
            }
            int exit = tool.waitFor();
            if (exit != 0 || summary == null) {
                throw new IllegalStateException("kafka-producer-perf-test exited with " + exit
                        + (summary == null ? " without its summary line" : ""));
            }
            return new Result(Long.parseLong(summary.group(1)), Double.parseDouble(summary.group(2)),
                    Double.parseDouble(summary.group(3)), Integer.parseInt(summary.group(6)),
                    Integer.parseInt(summary.group(8)));
        } finally {
            Files.deleteIfExists(payloads);
        }
    }
}
