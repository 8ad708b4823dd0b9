package io.happypath.journey.domain;

/**
 * An event to publish on {@code hp.journey.v1} (key: the profile id). Its id is derived from what caused it, so a
 * redelivered input produces the same ids and consumers deduplicate the re-publication.
 *
 * @param type the CloudEvent type
 * @param data one of the contracts' journey records
 */
public record Emitted(String id, String type, String profileId, Object data) {
}
