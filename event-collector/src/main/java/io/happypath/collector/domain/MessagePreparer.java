package io.happypath.collector.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import io.happypath.contracts.segment.SegmentMessage;

/**
 * Validates one message against the Segment spec and turns it into what goes on {@code hp.events.raw.v1}: batch-level
 * fields merged in, the source stamped, a messageId when the client sent none, and timestamps corrected for the
 * client's clock skew.
 */
public final class MessagePreparer {

    private MessagePreparer() {
    }

    /** The outcome for one message: exactly one of {@code message} and {@code rejection} is set. */
    public record Result(SegmentMessage message, Rejection rejection) {
    }

    /**
     * @param pathType the type named by the path ({@code /v1/track} → {@code track}), or null for a batch, where each
     *        message names its own
     * @param receivedAt when the collector received the request
     */
    public static Result prepare(ParsedRequest.Item item, String pathType, Source source, Instant receivedAt) {
        if (item.rejection() != null) {
            return new Result(null, item.rejection());
        }
        int index = item.index();
        SegmentMessage m = item.message();
        String type = pathType != null ? pathType : m.type() == null ? null : m.type().toLowerCase(Locale.ROOT);
        if (type == null || type.isBlank()) {
            return reject(index, Rejection.INVALID_TYPE,
                    "Field 'type' is required in a batch: one of track, identify, page, screen, group, alias.");
        }
        if (!SegmentMessage.TYPES.contains(type)) {
            return reject(index, Rejection.INVALID_TYPE,
                    "Field 'type' is '" + m.type() + "'; expected one of track, identify, page, screen, group, alias.");
        }
        if (blank(m.userId()) && blank(m.anonymousId())) {
            return reject(index, Rejection.MISSING_IDENTIFIER, "The message has neither 'userId' nor 'anonymousId'.");
        }
        switch (type) {
            case SegmentMessage.TRACK -> {
                if (blank(m.event())) {
                    return reject(index, Rejection.MISSING_EVENT, "A track message needs 'event', the name of the action.");
                }
            }
            case SegmentMessage.GROUP -> {
                if (blank(m.groupId())) {
                    return reject(index, Rejection.MISSING_GROUP_ID, "A group message needs 'groupId'.");
                }
            }
            case SegmentMessage.ALIAS -> {
                if (blank(m.previousId())) {
                    return reject(index, Rejection.MISSING_PREVIOUS_ID, "An alias message needs 'previousId'.");
                }
            }
            default -> {
                // identify, page and screen need no more than an identifier
            }
        }

        BatchFields batch = item.batch();
        Map<String, Object> context = merge(batch.context(), m.context());
        if (!source.channel().equals(source.name())
                && (context == null || !(context.get(SegmentMessage.CONTEXT_CHANNEL) instanceof String))) {
            context = context == null ? new LinkedHashMap<>() : new LinkedHashMap<>(context);
            context.put(SegmentMessage.CONTEXT_CHANNEL, source.channel());
        }
        Instant sentAt = m.sentAt() != null ? m.sentAt() : batch.sentAt();
        Instant clientTimestamp = m.timestamp() != null ? m.timestamp() : m.originalTimestamp();
        Instant timestamp;
        Instant originalTimestamp;
        if (clientTimestamp == null) {
            timestamp = receivedAt;
            originalTimestamp = null;
        } else {
            originalTimestamp = clientTimestamp;
            timestamp = correctSkew(clientTimestamp, sentAt, receivedAt);
        }
        SegmentMessage prepared = m.toBuilder()
                .type(type)
                .messageId(blank(m.messageId()) ? UUID.randomUUID().toString() : m.messageId())
                .context(context)
                .integrations(merge(batch.integrations(), m.integrations()))
                .sentAt(sentAt)
                .receivedAt(receivedAt)
                .timestamp(timestamp)
                .originalTimestamp(originalTimestamp)
                .source(source.name())
                // Set downstream only: a client must not be able to pick the profile.
                .profileId(null)
                .build();
        return new Result(prepared, null);
    }

    /**
     * {@code receivedAt − (sentAt − timestamp)}: the event's time on the server's clock, assuming the client's clock was
     * off by the same amount when it stamped the event and when it sent it. Without {@code sentAt} the client's
     * timestamp is all there is.
     */
    public static Instant correctSkew(Instant timestamp, Instant sentAt, Instant receivedAt) {
        if (sentAt == null) {
            return timestamp;
        }
        return receivedAt.minus(Duration.between(timestamp, sentAt));
    }

    private static Map<String, Object> merge(Map<String, Object> batchLevel, Map<String, Object> own) {
        if (batchLevel == null || batchLevel.isEmpty()) {
            return own;
        }
        Map<String, Object> merged = new LinkedHashMap<>(batchLevel);
        if (own != null) {
            // The message's own values win over the batch's.
            merged.putAll(own);
        }
        return merged;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static Result reject(int index, String error, String message) {
        return new Result(null, new Rejection(index, error, message));
    }
}
