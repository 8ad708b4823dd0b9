package io.happypath.collector.service;

import java.util.List;

import io.happypath.collector.domain.Rejection;

/**
 * What happened to a request's messages.
 *
 * @param accepted messages now durably in Kafka, including those that already were (deduplicated)
 * @param deduplicated accepted messages that had been published before and were not published again
 * @param rejected messages refused, with their index and reason
 */
public record IngestResult(int accepted, int deduplicated, List<Rejection> rejected) {
}
