package io.happypath.collector.domain;

import java.util.List;

/**
 * A request body read into messages.
 *
 * @param writeKey the {@code writeKey} field of the body, or null
 * @param items one per message, in order: either a readable message or why it is not one
 */
public record ParsedRequest(String writeKey, List<Item> items) {

    /**
     * One message of the request: {@code message} and {@code rejection} are mutually exclusive.
     *
     * @param index position in the request
     * @param message the message as the client sent it, with batch-level {@code context}, {@code integrations} and
     *        {@code sentAt} not yet applied
     * @param batch the batch-level fields, or {@link BatchFields#NONE}
     */
    public record Item(int index, io.happypath.contracts.segment.SegmentMessage message, BatchFields batch,
            Rejection rejection) {
    }
}
