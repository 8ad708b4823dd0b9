package io.happypath.collector.domain;

/**
 * An ingestion source named by a write key.
 *
 * @param name the source, e.g. {@code web}; stamped on every message and used as the CloudEvent source
 * @param channel the channel of its messages that name none themselves
 * @param rate sustained events per second allowed
 */
public record Source(String name, String channel, double rate) {
}
