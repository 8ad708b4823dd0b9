package io.happypath.contracts.segment;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of {@code POST /v1/batch} (also {@code /v1/import}, {@code /v1/b}) on the event-collector; never on a
 * topic: the collector merges the batch-level {@code context} and {@code integrations} into each message and
 * publishes the messages one by one.
 *
 * @param batch the messages, as the client sent them
 * @param writeKey the source's write key when the client does not send it by HTTP Basic auth
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SegmentBatch(
        List<SegmentMessage> batch,
        Map<String, Object> context,
        Map<String, Object> integrations,
        Instant sentAt,
        String writeKey) {
}
