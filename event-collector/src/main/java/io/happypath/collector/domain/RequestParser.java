package io.happypath.collector.domain;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.happypath.contracts.segment.SegmentMessage;

/**
 * Reads a Segment request body (one message, or {@code {"batch": [...]}}) into messages, one {@link ParsedRequest.Item}
 * per message, so that one bad message of a batch does not spoil the others.
 */
public final class RequestParser {

    /** The body field that carries the write key; removed from messages so that no secret reaches Kafka. */
    public static final String WRITE_KEY = "writeKey";

    private final ObjectMapper mapper;
    private final int maxMessageBytes;
    private final int maxBatchMessages;

    public RequestParser(ObjectMapper mapper, int maxMessageBytes, int maxBatchMessages) {
        this.mapper = mapper;
        this.maxMessageBytes = maxMessageBytes;
        this.maxBatchMessages = maxBatchMessages;
    }

    /**
     * @param batch whether the body is a batch ({@code /v1/batch}, {@code /v1/import}, {@code /v1/b})
     * @throws IngestException 400 {@code malformed_json} or {@code invalid_field} for a body that is not the expected
     *         JSON object; 413 {@code batch_too_large} or {@code message_too_large} (single message)
     */
    public ParsedRequest parse(byte[] json, boolean batch) {
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IngestException(400, "malformed_json", "The request body is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null
                            ? ""
                            : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
        } catch (IOException e) {
            throw new IngestException(400, "malformed_json", "The request body cannot be read: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw new IngestException(400, "malformed_json", "The request body is empty: send a JSON object.");
        }
        if (!(root instanceof ObjectNode object)) {
            throw new IngestException(400, "malformed_json", "The request body must be a JSON object, was " + kind(root) + ".");
        }
        String writeKey = object.path(WRITE_KEY).isTextual() ? object.get(WRITE_KEY).asText() : null;
        boolean checkSizes = json.length > maxMessageBytes;
        if (!batch) {
            object.remove(WRITE_KEY);
            if (checkSizes && size(object) > maxMessageBytes) {
                throw new IngestException(413, "message_too_large",
                        "The message is larger than " + maxMessageBytes + " bytes: send less data per event.");
            }
            return new ParsedRequest(writeKey, List.of(item(0, object, BatchFields.NONE)));
        }
        JsonNode messages = object.get("batch");
        if (!(messages instanceof ArrayNode array)) {
            throw new IngestException(400, "invalid_field", "Field 'batch' must be an array of messages, was "
                    + (messages == null ? "missing" : kind(messages)) + ".");
        }
        if (array.size() > maxBatchMessages) {
            throw new IngestException(413, "batch_too_large", "The batch has " + array.size() + " messages; at most "
                    + maxBatchMessages + " are accepted in one request.");
        }
        BatchFields fields = new BatchFields(objectField(object, "context"), objectField(object, "integrations"),
                instantField(object, "sentAt"));
        List<ParsedRequest.Item> items = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonNode element = array.get(i);
            if (!(element instanceof ObjectNode message)) {
                items.add(rejected(i, Rejection.MALFORMED, "The message must be a JSON object, was " + kind(element) + "."));
                continue;
            }
            message.remove(WRITE_KEY);
            if (checkSizes && size(message) > maxMessageBytes) {
                items.add(rejected(i, Rejection.MESSAGE_TOO_LARGE,
                        "The message is larger than " + maxMessageBytes + " bytes: send less data per event."));
                continue;
            }
            items.add(item(i, message, fields));
        }
        return new ParsedRequest(writeKey, items);
    }

    private ParsedRequest.Item item(int index, ObjectNode node, BatchFields fields) {
        try {
            return new ParsedRequest.Item(index, mapper.treeToValue(node, SegmentMessage.class), fields, null);
        } catch (MismatchedInputException e) {
            String field = e.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .reduce((a, b) -> a + "." + b).orElse("(message)");
            return rejected(index, Rejection.INVALID_FIELD,
                    "Field '" + field + "' has the wrong type or value: " + e.getOriginalMessage());
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return rejected(index, Rejection.INVALID_FIELD, "The message cannot be read: " + e.getMessage());
        }
    }

    private static ParsedRequest.Item rejected(int index, String error, String message) {
        return new ParsedRequest.Item(index, null, BatchFields.NONE, new Rejection(index, error, message));
    }

    private int size(JsonNode node) {
        try {
            return mapper.writeValueAsBytes(node).length;
        } catch (JsonProcessingException e) {
            return Integer.MAX_VALUE;
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> objectField(ObjectNode root, String name) {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new IngestException(400, "invalid_field", "Field '" + name + "' must be an object, was " + kind(node) + ".");
        }
        return mapper.convertValue(node, LinkedHashMap.class);
    }

    private Instant instantField(ObjectNode root, String name) {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            return mapper.treeToValue(node, Instant.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IngestException(400, "invalid_field",
                    "Field '" + name + "' must be an ISO-8601 date-time, was " + node + ".");
        }
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
