package io.happypath.collector.domain;

import java.time.Instant;
import java.util.Map;

/** The batch-level {@code context}, {@code integrations} and {@code sentAt} that apply to every message of a batch. */
public record BatchFields(Map<String, Object> context, Map<String, Object> integrations, Instant sentAt) {

    public static final BatchFields NONE = new BatchFields(null, null, null);
}
