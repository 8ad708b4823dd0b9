package io.happypath.devstack.load;

import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The raw Kafka producer's ceiling on this machine, measured the way {@code kafka-producer-perf-test} does (send as fast
 * as the producer accepts, count acknowledged records over the elapsed time), with the collector's producer settings
 * (acks=all, idempotence, gzip level 1, linger 5 ms) and records of the same size and headers, so that the collector's
 * throughput can be reported as a ratio of it.
 */
public final class ProducerCeiling {

    private ProducerCeiling() {
    }

    /** What the producer did. */
    public record Result(long records, long failed, double recordsPerSecond, double megabytesPerSecond) {

        public String describe() {
            return String.format(java.util.Locale.ROOT, "%,d records, %,.0f records/s (%.1f MB/s), %d failed", records,
                    recordsPerSecond, megabytesPerSecond, failed);
        }
    }

    public static Result run(String bootstrapServers, String topic, SegmentTraffic traffic, long records)
            throws InterruptedException {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "gzip");
        props.put("compression.gzip.level", "1");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        byte[][] values = new byte[512][];
        for (int i = 0; i < values.length; i++) {
            values[i] = traffic.message().getBytes(StandardCharsets.UTF_8);
        }
        byte[] type = "io.happypath.event.track".getBytes(StandardCharsets.UTF_8);
        byte[] source = "web".getBytes(StandardCharsets.UTF_8);
        CountDownLatch done = new CountDownLatch((int) records);
        AtomicLong failed = new AtomicLong();
        long bytes = 0;
        long start = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            for (long i = 0; i < records; i++) {
                byte[] value = values[(int) (i % values.length)];
                bytes += value.length;
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, "anon-" + (i % 10_000), value);
                record.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8))
                        .add("ce_id", Long.toString(i).getBytes(StandardCharsets.UTF_8)).add("ce_type", type)
                        .add("ce_source", source).add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
                producer.send(record, (metadata, e) -> {
                    if (e != null) {
                        failed.incrementAndGet();
                    }
                    done.countDown();
                });
            }
            done.await(120, TimeUnit.SECONDS);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(records, failed.get(), records / seconds, bytes / seconds / 1e6);
    }
}
