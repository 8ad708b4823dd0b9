package io.happypath.identity.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.happypath.contracts.CloudEventTypes;
import io.happypath.contracts.Topics;
import io.happypath.devstack.JwtTestResource;
import io.happypath.devstack.KafkaBrokerResource;
import io.happypath.devstack.KafkaTestClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Throughput from hp.events.raw.v1 to hp.events.v1 (a benchmark, not a test: surefire does not pick it up by name).
 * Run: {@code ./mvnw -B -pl identity-service test -Dtest=ResolutionThroughputBench -Dbench.events=5000}.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(JwtTestResource.class)
class ResolutionThroughputBench {

    @Test
    void rawToStitched() {
        int events = Integer.getInteger("bench.events", 5000);
        int people = Math.max(1, events / 10);
        String run = UUID.randomUUID().toString().substring(0, 8);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBrokerResource.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        long start = System.nanoTime();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < events; i++) {
                // first event of each person creates a profile (10 % new identifiers), the others match it
                String anon = "bench-" + run + "-" + (i % people);
                String json = "{\"type\":\"track\",\"event\":\"Viewed\",\"messageId\":\"" + UUID.randomUUID()
                        + "\",\"anonymousId\":\"" + anon + "\",\"timestamp\":\"" + Instant.now()
                        + "\",\"properties\":{\"run\":\"" + run + "\"}}";
                ProducerRecord<String, String> r = new ProducerRecord<>(Topics.RAW_EVENTS, anon, json);
                r.headers().add("ce_specversion", "1.0".getBytes());
                r.headers().add("ce_id", UUID.randomUUID().toString().getBytes());
                r.headers().add("ce_type", CloudEventTypes.TRACK.getBytes());
                r.headers().add("ce_source", "/bench".getBytes());
                r.headers().add("content-type", "application/json".getBytes());
                producer.send(r);
            }
            producer.flush();
        }
        try (KafkaTestClient kafka = new KafkaTestClient(KafkaBrokerResource.bootstrapServers())) {
            kafka.read(Topics.EVENTS, r -> r.value().contains(run), events, Duration.ofMinutes(10));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("BENCH identity raw->stitched: %d events (%d profiles) in %.1f s = %.0f events/s%n", events,
                people, seconds, events / seconds);
    }
}
