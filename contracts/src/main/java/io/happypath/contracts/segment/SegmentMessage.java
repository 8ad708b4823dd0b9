package io.happypath.contracts.segment;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

import io.happypath.contracts.CloudEventTypes;

/**
 * One Segment-spec message (track, identify, page, screen, group, alias). Data of the
 * {@code io.happypath.event.<type>} CloudEvents on {@code hp.events.raw.v1} (key: anonymousId, else userId) and,
 * with {@link #profileId()} set, on {@code hp.events.v1} (key: profileId).
 * <p>
 * The record also carries client input before the collector has validated it, so it enforces nothing; the schema
 * {@code segment-message.schema.json} says what a message on the topics always has. Fields this record does not
 * know are kept in {@link #extra()} and written back unchanged (read by {@link SegmentMessageDeserializer}).
 *
 * @param type the Segment message type, one of {@link #TYPES}
 * @param messageId unique per message and source; the collector deduplicates on it
 * @param timestamp when the event happened, corrected for client clock skew by the collector
 * @param originalTimestamp the client's own {@code timestamp}, kept when the collector corrected it
 * @param receivedAt when the collector received the message
 * @param profileId the stitched profile: null on {@code hp.events.raw.v1}, set on {@code hp.events.v1}
 * @param source the ingestion source named by the write key ({@code web}, {@code store}, ...), stamped by the
 *        collector
 * @param extra the fields of the message that this record does not model; never null, and never one of
 *        {@link #FIELDS}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonDeserialize(using = SegmentMessageDeserializer.class)
public record SegmentMessage(
        String type,
        String messageId,
        String anonymousId,
        String userId,
        String event,
        String name,
        Map<String, Object> properties,
        Map<String, Object> traits,
        Map<String, Object> context,
        Map<String, Object> integrations,
        Instant timestamp,
        Instant originalTimestamp,
        Instant sentAt,
        Instant receivedAt,
        String previousId,
        String groupId,
        String profileId,
        String source,
        @JsonAnyGetter Map<String, Object> extra) {

    public static final String TRACK = "track";
    public static final String IDENTIFY = "identify";
    public static final String PAGE = "page";
    public static final String SCREEN = "screen";
    public static final String GROUP = "group";
    public static final String ALIAS = "alias";

    /** The message types of the Segment spec. */
    public static final Set<String> TYPES = Set.of(TRACK, IDENTIFY, PAGE, SCREEN, GROUP, ALIAS);

    /** The JSON names of the fields this record models; every other field goes to {@link #extra()}. */
    public static final Set<String> FIELDS = Set.of("type", "messageId", "anonymousId", "userId", "event", "name",
            "properties", "traits", "context", "integrations", "timestamp", "originalTimestamp", "sentAt", "receivedAt",
            "previousId", "groupId", "profileId", "source");

    /** The {@code context} key that overrides the source as the channel of a message. */
    public static final String CONTEXT_CHANNEL = "channel";

    public SegmentMessage {
        properties = copy(properties);
        traits = copy(traits);
        context = copy(context);
        integrations = copy(integrations);
        extra = extra == null ? Map.of() : copy(extra);
        for (String key : extra.keySet()) {
            if (FIELDS.contains(key)) {
                // It would be written twice.
                throw new IllegalArgumentException("extra field '" + key + "' is a modelled field of SegmentMessage");
            }
        }
    }

    /** A builder for a new message. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from this message. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** This message stitched to a profile, as identity-service publishes it on {@code hp.events.v1}. */
    public SegmentMessage withProfileId(String profileId) {
        return toBuilder().profileId(profileId).build();
    }

    /**
     * The channel the message came through: {@code context.channel} when the message names one, else the
     * {@link #source()}; null when neither is known.
     */
    public String channel() {
        if (context != null && context.get(CONTEXT_CHANNEL) instanceof String channel && !channel.isBlank()) {
            return channel;
        }
        return source;
    }

    /** The Kafka key on {@code hp.events.raw.v1}: the anonymousId, else the userId. */
    public String rawKey() {
        return anonymousId != null && !anonymousId.isEmpty() ? anonymousId : userId;
    }

    /** The CloudEvent type of this message, e.g. {@code io.happypath.event.track}. */
    public String cloudEventType() {
        return CloudEventTypes.ofSegmentType(type);
    }

    private static Map<String, Object> copy(Map<String, Object> map) {
        // Not Map.copyOf: JSON null values are legal in properties, traits and context.
        return map == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /** Builds a {@link SegmentMessage}; unset fields are null. */
    public static final class Builder {

        private String type;
        private String messageId;
        private String anonymousId;
        private String userId;
        private String event;
        private String name;
        private Map<String, Object> properties;
        private Map<String, Object> traits;
        private Map<String, Object> context;
        private Map<String, Object> integrations;
        private Instant timestamp;
        private Instant originalTimestamp;
        private Instant sentAt;
        private Instant receivedAt;
        private String previousId;
        private String groupId;
        private String profileId;
        private String source;
        private Map<String, Object> extra;

        private Builder() {
        }

        private Builder(SegmentMessage m) {
            type = m.type;
            messageId = m.messageId;
            anonymousId = m.anonymousId;
            userId = m.userId;
            event = m.event;
            name = m.name;
            properties = m.properties;
            traits = m.traits;
            context = m.context;
            integrations = m.integrations;
            timestamp = m.timestamp;
            originalTimestamp = m.originalTimestamp;
            sentAt = m.sentAt;
            receivedAt = m.receivedAt;
            previousId = m.previousId;
            groupId = m.groupId;
            profileId = m.profileId;
            source = m.source;
            extra = m.extra;
        }

        public Builder type(String type) {
            this.type = type;
            return this;
        }

        public Builder messageId(String messageId) {
            this.messageId = messageId;
            return this;
        }

        public Builder anonymousId(String anonymousId) {
            this.anonymousId = anonymousId;
            return this;
        }

        public Builder userId(String userId) {
            this.userId = userId;
            return this;
        }

        public Builder event(String event) {
            this.event = event;
            return this;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder properties(Map<String, Object> properties) {
            this.properties = properties;
            return this;
        }

        public Builder traits(Map<String, Object> traits) {
            this.traits = traits;
            return this;
        }

        public Builder context(Map<String, Object> context) {
            this.context = context;
            return this;
        }

        public Builder integrations(Map<String, Object> integrations) {
            this.integrations = integrations;
            return this;
        }

        public Builder timestamp(Instant timestamp) {
            this.timestamp = timestamp;
            return this;
        }

        public Builder originalTimestamp(Instant originalTimestamp) {
            this.originalTimestamp = originalTimestamp;
            return this;
        }

        public Builder sentAt(Instant sentAt) {
            this.sentAt = sentAt;
            return this;
        }

        public Builder receivedAt(Instant receivedAt) {
            this.receivedAt = receivedAt;
            return this;
        }

        public Builder previousId(String previousId) {
            this.previousId = previousId;
            return this;
        }

        public Builder groupId(String groupId) {
            this.groupId = groupId;
            return this;
        }

        public Builder profileId(String profileId) {
            this.profileId = profileId;
            return this;
        }

        public Builder source(String source) {
            this.source = source;
            return this;
        }

        /** Replaces the unknown fields. */
        public Builder extra(Map<String, Object> extra) {
            this.extra = extra;
            return this;
        }

        public SegmentMessage build() {
            return new SegmentMessage(type, messageId, anonymousId, userId, event, name, properties, traits, context,
                    integrations, timestamp, originalTimestamp, sentAt, receivedAt, previousId, groupId, profileId, source,
                    extra);
        }
    }
}
