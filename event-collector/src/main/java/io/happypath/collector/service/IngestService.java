package io.happypath.collector.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.happypath.collector.cache.DedupStore;
import io.happypath.collector.config.CollectorConfig;
import io.happypath.collector.domain.BodyDecoder;
import io.happypath.collector.domain.Credentials;
import io.happypath.collector.domain.IngestException;
import io.happypath.collector.domain.MessagePreparer;
import io.happypath.collector.domain.ParsedRequest;
import io.happypath.collector.domain.Rejection;
import io.happypath.collector.domain.RequestParser;
import io.happypath.collector.domain.Source;
import io.happypath.collector.messaging.RawEventPublisher;
import io.happypath.contracts.segment.SegmentMessage;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;

/**
 * One ingestion request from body to acknowledgement: decode, authenticate, validate, rate-limit, deduplicate, publish
 * and wait for the broker. A request is answered with success only once every accepted message is acknowledged by the
 * broker; anything else is a 503 that the client retries, and since only acknowledged messages are marked for dedup,
 * the retry publishes whatever was not stored.
 */
@ApplicationScoped
public class IngestService {

    private static final Logger LOG = Logger.getLogger(IngestService.class);
    private static final String UNKNOWN_SOURCE = "unknown";

    private final Sources sources;
    private final DedupStore dedup;
    private final RawEventPublisher publisher;
    private final IngestMetrics metrics;
    private final ObjectMapper mapper;
    private final RequestParser parser;
    private final CollectorConfig config;
    private final AtomicInteger inFlight = new AtomicInteger();

    public IngestService(Sources sources, DedupStore dedup, RawEventPublisher publisher, IngestMetrics metrics,
            ObjectMapper mapper, CollectorConfig config) {
        this.sources = sources;
        this.dedup = dedup;
        this.publisher = publisher;
        this.metrics = metrics;
        this.mapper = mapper;
        this.config = config;
        this.parser = new RequestParser(mapper, config.limits().maxMessageBytes(), config.limits().maxBatchMessages());
    }

    /**
     * @param pathType the message type of a single-message path, or null for a batch path
     * @param body the raw request body
     * @param contentEncoding the {@code Content-Encoding} header, or null
     * @param authorization the {@code Authorization} header, or null
     * @return the outcome; fails with {@link IngestException} for a request refused as a whole
     */
    public Uni<IngestResult> ingest(String pathType, byte[] body, String contentEncoding, String authorization) {
        Instant receivedAt = Instant.now();
        boolean batch = pathType == null;
        Source source;
        ParsedRequest parsed;
        try {
            byte[] json = BodyDecoder.decode(body, contentEncoding, config.limits().maxRequestBytes());
            metrics.requestSize(batch, json.length);
            Source byHeader = authorization == null
                    ? null
                    : authenticate(Credentials.writeKeyFromBasic(authorization)
                            .orElse(null), true);
            parsed = parser.parse(json, batch);
            source = byHeader != null ? byHeader : authenticate(parsed.writeKey(), false);
        } catch (IngestException e) {
            metrics.rejected(UNKNOWN_SOURCE, e.error(), 1);
            return Uni.createFrom().failure(e);
        }

        List<SegmentMessage> accepted = new ArrayList<>(parsed.items().size());
        List<Rejection> rejected = new ArrayList<>();
        Set<String> idsInRequest = new HashSet<>();
        int duplicatesInRequest = 0;
        for (ParsedRequest.Item item : parsed.items()) {
            MessagePreparer.Result r = MessagePreparer.prepare(item, pathType, source, receivedAt);
            if (r.rejection() != null) {
                rejected.add(r.rejection());
                metrics.rejected(source.name(), r.rejection().error(), 1);
            } else if (idsInRequest.add(r.message().messageId())) {
                accepted.add(r.message());
            } else {
                // The same message twice in one request: acknowledged once, published once.
                duplicatesInRequest++;
                metrics.deduplicated(source.name(), sources.channelTag(r.message().channel()), 1);
            }
        }
        if (accepted.isEmpty()) {
            return Uni.createFrom().failure(nothingAccepted(batch, rejected));
        }
        long waitNanos = sources.takeRate(source, accepted.size());
        if (waitNanos > 0) {
            metrics.rejected(source.name(), "rate_limited", accepted.size());
            long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos + 999_999_999L));
            return Uni.createFrom().failure(new IngestException(429, "rate_limited", "Source '" + source.name()
                    + "' is over its rate of " + source.rate() + " events/s: retry after " + seconds + " s.", List.of(),
                    seconds));
        }
        int inRequestDuplicates = duplicatesInRequest;
        List<String> ids = accepted.stream().map(SegmentMessage::messageId).toList();
        return dedup.seen(source.name(), ids)
                .flatMap(seen -> publishFresh(source, accepted, seen)
                        .map(published -> new IngestResult(accepted.size() + inRequestDuplicates,
                                seen.size() + inRequestDuplicates, rejected)));
    }

    private Source authenticate(String writeKey, boolean fromHeader) {
        if (writeKey == null || writeKey.isEmpty()) {
            throw new IngestException(401, fromHeader ? "invalid_write_key" : "missing_write_key", fromHeader
                    ? "The Authorization header is not 'Basic base64(<writeKey>:)'."
                    : "No write key: send it as the HTTP Basic user name (empty password) or as 'writeKey' in the body.");
        }
        return sources.byWriteKey(writeKey).orElseThrow(() -> new IngestException(401, "invalid_write_key",
                "The write key is not known to this collector."));
    }

    private static IngestException nothingAccepted(boolean batch, List<Rejection> rejected) {
        if (!batch) {
            Rejection only = rejected.get(0);
            return new IngestException(only.error().equals(Rejection.MESSAGE_TOO_LARGE) ? 413 : 400, only.error(),
                    only.message(), rejected, 0);
        }
        if (rejected.isEmpty()) {
            return new IngestException(400, "empty_batch", "The batch has no messages.");
        }
        boolean allTooLarge = rejected.stream().allMatch(r -> r.error().equals(Rejection.MESSAGE_TOO_LARGE));
        return new IngestException(allTooLarge ? 413 : 400, allTooLarge ? Rejection.MESSAGE_TOO_LARGE : "invalid_batch",
                "No message of the batch was accepted; 'details' says why for each.", rejected, 0);
    }

    /**
     * Publishes the messages not seen before and waits, within the publish timeout, for the broker to acknowledge all of
     * them. Acknowledged messages are marked for dedup even if the request as a whole fails or times out (they are
     * stored: a retry must not publish them again); unacknowledged ones never are.
     */
    private Uni<Void> publishFresh(Source source, List<SegmentMessage> accepted, Set<String> seen) {
        List<SegmentMessage> fresh = new ArrayList<>(accepted.size());
        Map<String, Integer> dedupedByChannel = new HashMap<>();
        for (SegmentMessage m : accepted) {
            if (seen.contains(m.messageId())) {
                dedupedByChannel.merge(sources.channelTag(m.channel()), 1, Integer::sum);
            } else {
                fresh.add(m);
            }
        }
        dedupedByChannel.forEach((channel, n) -> metrics.deduplicated(source.name(), channel, n));
        if (fresh.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = fresh.size();
        int before = inFlight.getAndAdd(n);
        // One request alone may always go, however large, so that a big batch is not refused forever.
        if (before > 0 && before + n > config.publish().maxInFlight()) {
            inFlight.addAndGet(-n);
            metrics.rejected(source.name(), "overloaded", n);
            long retry = Math.max(1, config.publish().retryAfter().toSeconds());
            return Uni.createFrom().failure(new IngestException(503, "overloaded",
                    "The collector has " + before + " messages waiting for the event store: retry after " + retry + " s.",
                    List.of(), retry));
        }
        Timer.Sample sample = Timer.start();
        AckTracker tracker = new AckTracker(source.name(), fresh.size());
        List<Uni<Void>> acks = new ArrayList<>(fresh.size());
        for (int i = 0; i < fresh.size(); i++) {
            SegmentMessage m = fresh.get(i);
            String json;
            try {
                json = mapper.writeValueAsString(m);
            } catch (JsonProcessingException e) {
                // Records from Jackson-read maps always serialize; if not, nothing of the rest was sent.
                inFlight.addAndGet(-(n - i));
                return Uni.createFrom().failure(e);
            }
            int index = i;
            // Subscribed now (memoized), so the message goes out even if this request is abandoned.
            Uni<Void> ack = publisher.publish(m, json).invoke(() -> tracker.acked(index, m.messageId()))
                    .memoize().indefinitely();
            ack.subscribe().with(x -> inFlight.decrementAndGet(), e -> inFlight.decrementAndGet());
            acks.add(ack);
        }
        return Uni.join().all(acks).andCollectFailures()
                .ifNoItem().after(config.publish().timeout()).fail()
                .onItemOrFailure().call((ok, failure) -> dedup.markPublished(source.name(), tracker.closeAndDrain()))
                .onFailure().transform(e -> {
                    LOG.warnf("Publishing %d messages of source %s failed: %s", fresh.size(), source.name(), e.toString());
                    long retry = Math.max(1, config.publish().retryAfter().toSeconds());
                    return new IngestException(503, "kafka_unavailable",
                            "The event store did not acknowledge the messages in time; nothing unacknowledged was kept: "
                                    + "retry after " + retry + " s.",
                            List.of(), retry);
                })
                .invoke(() -> {
                    sample.stop(metrics.publishLatency(source.name()));
                    Map<String, Integer> byChannel = new HashMap<>();
                    for (SegmentMessage m : fresh) {
                        byChannel.merge(sources.channelTag(m.channel()), 1, Integer::sum);
                    }
                    byChannel.forEach((channel, count) -> metrics.accepted(source.name(), channel, count));
                    dedupedByChannel.forEach((channel, count) -> metrics.accepted(source.name(), channel, count));
                })
                .replaceWithVoid();
    }

    /**
     * Which messages of one request the broker acknowledged. Those acknowledged before the request finished are marked
     * in one batch; a late acknowledgement (after a timeout) is marked on its own. Each id is marked exactly once.
     */
    private final class AckTracker {

        private final String source;
        private final AtomicReferenceArray<String> ackedIds;
        private final AtomicBoolean[] claimed;
        private final AtomicBoolean closed = new AtomicBoolean();
        private final AtomicInteger count = new AtomicInteger();

        AckTracker(String source, int size) {
            this.source = source;
            this.ackedIds = new AtomicReferenceArray<>(size);
            this.claimed = new AtomicBoolean[size];
            for (int i = 0; i < size; i++) {
                claimed[i] = new AtomicBoolean();
            }
        }

        void acked(int index, String messageId) {
            ackedIds.set(index, messageId);
            count.incrementAndGet();
            if (closed.get() && claimed[index].compareAndSet(false, true)) {
                dedup.markPublished(source, List.of(messageId)).subscribe().with(x -> {
                });
            }
        }

        /** Ends the request: returns the ids acknowledged so far; later acks mark themselves. */
        List<String> closeAndDrain() {
            closed.set(true);
            List<String> ids = new ArrayList<>(count.get());
            for (int i = 0; i < ackedIds.length(); i++) {
                String id = ackedIds.get(i);
                if (id != null && claimed[i].compareAndSet(false, true)) {
                    ids.add(id);
                }
            }
            return ids;
        }
    }
}
