package io.happypath.contracts.segment;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads a {@link SegmentMessage}, keeping every field it does not model in {@link SegmentMessage#extra()}.
 * <p>
 * Why not {@code @JsonAnySetter} on the record component: Jackson 2.21 also treats that creator parameter as a
 * regular property named after the component, so a message with a top-level field of that name fails to parse
 * instead of being kept. Reading the object as a tree and converting each known field through the caller's
 * {@link DeserializationContext} keeps the caller's mapper settings (date formats, coercions) for the known fields.
 */
public final class SegmentMessageDeserializer extends StdDeserializer<SegmentMessage> {

    private static final long serialVersionUID = 1L;

    public SegmentMessageDeserializer() {
        super(SegmentMessage.class);
    }

    @Override
    public SegmentMessage deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        ObjectNode node = ctxt.readValue(p, ObjectNode.class);
        JavaType mapType = ctxt.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, Object.class);
        SegmentMessage.Builder b = SegmentMessage.builder();
        Map<String, Object> extra = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            try {
                switch (name) {
                    case "type" -> b.type(string(ctxt, value));
                    case "messageId" -> b.messageId(string(ctxt, value));
                    case "anonymousId" -> b.anonymousId(string(ctxt, value));
                    case "userId" -> b.userId(string(ctxt, value));
                    case "event" -> b.event(string(ctxt, value));
                    case "name" -> b.name(string(ctxt, value));
                    case "properties" -> b.properties(ctxt.readTreeAsValue(value, mapType));
                    case "traits" -> b.traits(ctxt.readTreeAsValue(value, mapType));
                    case "context" -> b.context(ctxt.readTreeAsValue(value, mapType));
                    case "integrations" -> b.integrations(ctxt.readTreeAsValue(value, mapType));
                    case "timestamp" -> b.timestamp(instant(ctxt, value));
                    case "originalTimestamp" -> b.originalTimestamp(instant(ctxt, value));
                    case "sentAt" -> b.sentAt(instant(ctxt, value));
                    case "receivedAt" -> b.receivedAt(instant(ctxt, value));
                    case "previousId" -> b.previousId(string(ctxt, value));
                    case "groupId" -> b.groupId(string(ctxt, value));
                    case "profileId" -> b.profileId(string(ctxt, value));
                    case "source" -> b.source(string(ctxt, value));
                    default -> extra.put(name, ctxt.readTreeAsValue(value, Object.class));
                }
            } catch (IOException e) {
                throw JsonMappingException.wrapWithPath(e, SegmentMessage.class, name);
            }
        }
        return b.extra(extra).build();
    }

    private static String string(DeserializationContext ctxt, JsonNode value) throws IOException {
        return ctxt.readTreeAsValue(value, String.class);
    }

    private static Instant instant(DeserializationContext ctxt, JsonNode value) throws IOException {
        return ctxt.readTreeAsValue(value, Instant.class);
    }
}
