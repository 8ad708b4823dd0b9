package io.happypath.contracts;

import java.net.URI;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.UUID;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import io.smallrye.reactive.messaging.ce.IncomingCloudEventMetadata;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Writes and reads CloudEvents 1.0 in Kafka binary mode ({@code ce_*} headers, JSON data) with SmallRye
 * Reactive Messaging. The Kafka connector turns {@link OutgoingCloudEventMetadata} into headers and headers into
 * {@link IncomingCloudEventMetadata}, so services only deal with typed payloads, an id, a type and a key.
 */
public final class CloudEvents {

    /** The {@code ce_source} prefix of events produced by a Happypath service, e.g. {@code /happypath/identity-service}. */
    public static final String SERVICE_SOURCE_PREFIX = "/happypath/";

    private CloudEvents() {
    }

    /**
     * A message carrying {@code data} as a binary-mode CloudEvent.
     *
     * @param key the Kafka key, which is the ordering key (profileId on every topic but the raw one)
     * @param id the CloudEvent id, unique per event: consumers deduplicate on it
     * @param type one of {@link CloudEventTypes}
     * @param source the producer: a service ({@link #serviceSource(String)}) or an ingestion source
     */
    public static <T> Message<T> message(String key, String id, String type, URI source, T data) {
        OutgoingCloudEventMetadata<T> ce = OutgoingCloudEventMetadata.<T>builder()
                .withId(id)
                .withType(type)
                .withSource(source)
                .withSubject(key)
                .withDataContentType("application/json")
                .withTimestamp(ZonedDateTime.now(ZoneOffset.UTC))
                .build();
        OutgoingKafkaRecordMetadata<String> kafka = OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build();
        return Message.of(data, Metadata.of(ce, kafka));
    }

    /** Like {@link #message(String, String, String, URI, Object)} with a fresh random id. */
    public static <T> Message<T> message(String key, String type, URI source, T data) {
        return message(key, UUID.randomUUID().toString(), type, source, data);
    }

    /** The {@code ce_source} of a Happypath service. */
    public static URI serviceSource(String service) {
        return URI.create(SERVICE_SOURCE_PREFIX + service);
    }

    /** The CloudEvent metadata of an incoming message, if it was sent as a CloudEvent. */
    @SuppressWarnings("unchecked")
    public static <T> Optional<IncomingCloudEventMetadata<T>> incoming(Message<T> message) {
        return message.getMetadata(IncomingCloudEventMetadata.class).map(m -> (IncomingCloudEventMetadata<T>) m);
    }

    /** The CloudEvent id of an incoming message; consumers use it to process each event once. */
    public static Optional<String> id(Message<?> message) {
        return message.getMetadata(IncomingCloudEventMetadata.class).map(IncomingCloudEventMetadata::getId);
    }

    /** The CloudEvent type of an incoming message. */
    public static Optional<String> type(Message<?> message) {
        return message.getMetadata(IncomingCloudEventMetadata.class).map(IncomingCloudEventMetadata::getType);
    }
}
