package io.happypath.devstack.sim;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A burst of one customer's activity on one channel (a visit, a store purchase, a call): its Segment messages go out
 * in one {@code /v1/batch} with the channel's write key, then the channel asks for its decisions.
 *
 * @param at when the session starts, from the start of the simulated period
 * @param messages Segment messages without timestamps; the simulator stamps them
 * @param offsets each message's time from the session start
 * @param decisions the decisions the channel requests after the messages, e.g. the web site's home-page hero
 */
public record Session(Customer customer, Duration at, String channel, List<ObjectNode> messages, List<Duration> offsets,
        List<String> decisions) {
}
