package io.happypath.e2e;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.segment.analytics.Analytics;
import com.segment.analytics.Callback;
import com.segment.analytics.messages.Message;
import com.segment.analytics.messages.MessageBuilder;

/**
 * Ingestion the way a brand's systems do it: Segment's own {@code analytics-java} client, one per channel with the
 * local stack's write key ({@code local-web}, ...). {@link #send} waits until the collector acknowledged the message,
 * which it does only once the message is durably in Kafka.
 */
final class Segment implements AutoCloseable {

    private final Map<String, Analytics> clients = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();

    private Analytics client(String channel) {
        return clients.computeIfAbsent(channel, c -> Analytics.builder("local-" + c)
                .endpoint(Stack.COLLECTOR.toString())
                .flushQueueSize(50)
                .callback(new Callback() {

                    @Override
                    public void success(Message message) {
                        CompletableFuture<Void> f = pending.remove(message.messageId());
                        if (f != null) {
                            f.complete(null);
                        }
                    }

                    @Override
                    public void failure(Message message, Throwable throwable) {
                        CompletableFuture<Void> f = pending.remove(message.messageId());
                        if (f != null) {
                            f.completeExceptionally(throwable);
                        }
                    }
                })
                .build());
    }

    /** Queues a message on a channel; the future completes when the collector acknowledged it. */
    CompletableFuture<Void> enqueue(String channel, MessageBuilder<?, ?> message) {
        String id = UUID.randomUUID().toString();
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        pending.put(id, acknowledged);
        client(channel).enqueue(message.messageId(id));
        return acknowledged;
    }

    /** Sends one message on a channel and waits for the collector's acknowledgement. */
    void send(String channel, MessageBuilder<?, ?> message) throws Exception {
        CompletableFuture<Void> acknowledged = enqueue(channel, message);
        client(channel).flush();
        acknowledged.get(30, TimeUnit.SECONDS);
    }

    /** Sends what is queued. */
    void flush() {
        clients.values().forEach(Analytics::flush);
    }

    @Override
    public void close() {
        clients.values().forEach(Analytics::shutdown);
    }
}
