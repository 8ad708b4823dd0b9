package io.happypath.journey.domain;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A stitched Segment event as the state machine sees it.
 *
 * @param id the CloudEvent id (the idempotency key)
 * @param type the Segment type: track, page, screen, identify, ...
 * @param name the track event name, or the page/screen name
 * @param channel the channel (context.channel, else the source)
 * @param at when the event happened (its timestamp, else when it was received)
 * @param properties the event properties (never null)
 * @param traits traits carried by the event (identify traits and context.traits; never null)
 * @param messageId the Segment messageId
 */
public record IncomingEvent(String id, String profileId, String type, String name, String channel, Instant at,
        Map<String, Object> properties, Map<String, Object> traits, String messageId) {

    public IncomingEvent {
        properties = properties == null ? Map.of() : properties;
        traits = traits == null ? Map.of() : traits;
    }

    /** The {@code event} variable of conditions. */
    public Map<String, Object> celMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("type", type);
        if (name != null) {
            m.put("event", name);
            m.put("name", name);
        }
        if (channel != null) {
            m.put("channel", channel);
        }
        m.put("timestamp", at.toString());
        if (messageId != null) {
            m.put("messageId", messageId);
        }
        m.put("properties", properties);
        m.put("traits", traits);
        return m;
    }
}
