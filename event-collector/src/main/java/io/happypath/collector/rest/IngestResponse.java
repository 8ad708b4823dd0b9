package io.happypath.collector.rest;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.happypath.collector.domain.Rejection;

/**
 * {@code 200} body of every ingestion path: Segment's {@code {"success": true}}, plus counts and, for a batch with
 * invalid messages, each rejected message with its index and reason.
 */
public record IngestResponse(boolean success, int accepted, int deduplicated,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Rejection> rejected) {
}
