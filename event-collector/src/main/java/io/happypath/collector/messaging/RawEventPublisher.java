package io.happypath.collector.messaging;

import java.net.URI;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.happypath.contracts.CloudEvents;
import io.happypath.contracts.segment.SegmentMessage;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Publishes accepted messages to {@code hp.events.raw.v1} as binary-mode CloudEvents: key = anonymousId else userId,
 * {@code ce_id} = messageId, {@code ce_source} = the ingestion source.
 */
@ApplicationScoped
public class RawEventPublisher {

    /** The outgoing channel, bound to {@code hp.events.raw.v1} in application.properties. */
    public static final String CHANNEL = "raw-events";

    private final MutinyEmitter<String> emitter;

    public RawEventPublisher(
            // Requests wait for acks; the buffer only absorbs bursts between the HTTP threads and the producer.
            @Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 16384) MutinyEmitter<String> emitter) {
        this.emitter = emitter;
    }

    /**
     * Sends one message; the returned Uni (lazy) completes when the broker has acknowledged it ({@code acks=all}) and
     * fails when the producer gives up.
     *
     * @param json the message serialized as JSON, the CloudEvent data
     */
    public Uni<Void> publish(SegmentMessage message, String json) {
        Message<String> msg = CloudEvents.message(message.rawKey(), message.messageId(), message.cloudEventType(),
                URI.create(message.source()), json);
        return emitter.sendMessage(msg);
    }
}
