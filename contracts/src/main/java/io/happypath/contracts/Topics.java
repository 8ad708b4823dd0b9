package io.happypath.contracts;

import java.util.List;
import java.util.stream.Stream;

/**
 * The Kafka topics of the platform (ARCHITECTURE.md). Every topic has a dead-letter twin named
 * {@code <topic>.dlq} that receives the messages its consumers could not process.
 */
public final class Topics {

    /** Segment messages as the collector accepted them; key: anonymousId, else userId. */
    public static final String RAW_EVENTS = "hp.events.raw.v1";
    /** Segment messages stitched to a profile; key: profileId. */
    public static final String EVENTS = "hp.events.v1";
    /** Profile created, identifiers linked, profiles merged, merge undone, profile erased; key: profileId. */
    public static final String IDENTITY = "hp.identity.v1";
    /** Journey stage entries, completions, exits, stalls and signal changes; key: profileId. */
    public static final String JOURNEY = "hp.journey.v1";
    /** Decisions made and their outcomes; key: profileId. */
    public static final String DECISIONS = "hp.decisions.v1";
    /** Actions pushed to channel connectors; key: profileId. */
    public static final String ACTIONS = "hp.actions.v1";

    /** The main topics, in data-flow order. */
    public static final List<String> MAIN = List.of(RAW_EVENTS, EVENTS, IDENTITY, JOURNEY, DECISIONS, ACTIONS);

    /** Every topic the platform needs: the main topics and their dead-letter twins. */
    public static final List<String> ALL = MAIN.stream().flatMap(t -> Stream.of(t, dlq(t))).toList();

    private Topics() {
    }

    /** The dead-letter twin of a topic. */
    public static String dlq(String topic) {
        return topic + ".dlq";
    }
}
