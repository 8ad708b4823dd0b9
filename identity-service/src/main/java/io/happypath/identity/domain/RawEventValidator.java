package io.happypath.identity.domain;

import java.util.ArrayList;
import java.util.List;

import io.happypath.contracts.segment.SegmentMessage;

/**
 * Validates a message on {@code hp.events.raw.v1} the way the event-collector validates a client's message
 * (API.md): other producers may write to the topic directly (the Kafka integration path), so nothing is trusted.
 */
public final class RawEventValidator {

    /** The collector's per-message limit, after decompression. */
    public static final int MAX_MESSAGE_BYTES = 32 * 1024;

    private RawEventValidator() {
    }

    /** Why the message cannot be processed; empty when it can. */
    public static List<String> problems(SegmentMessage m, String cloudEventType) {
        List<String> problems = new ArrayList<>();
        if (m.type() == null || !SegmentMessage.TYPES.contains(m.type())) {
            problems.add("type must be one of track, identify, page, screen, group, alias");
            return problems;
        }
        if (cloudEventType != null && !cloudEventType.equals(m.cloudEventType())) {
            problems.add("ce_type " + cloudEventType + " does not match the message type " + m.type());
        }
        if (blank(m.messageId())) {
            problems.add("messageId is required");
        }
        if (blank(m.userId()) && blank(m.anonymousId())) {
            problems.add("userId or anonymousId is required");
        }
        switch (m.type()) {
            case SegmentMessage.TRACK -> {
                if (blank(m.event())) {
                    problems.add("track requires event");
                }
            }
            case SegmentMessage.ALIAS -> {
                if (blank(m.previousId()) || blank(m.userId())) {
                    problems.add("alias requires previousId and userId");
                }
            }
            case SegmentMessage.GROUP -> {
                if (blank(m.groupId())) {
                    problems.add("group requires groupId");
                }
            }
            default -> {
            }
        }
        return problems;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
