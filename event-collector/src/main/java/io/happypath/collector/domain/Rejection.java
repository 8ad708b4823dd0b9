package io.happypath.collector.domain;

/**
 * Why one message of a request was not accepted.
 *
 * @param index the message's position in the batch (0 for a single-message request)
 * @param error machine-readable reason, e.g. {@code missing_identifier}
 * @param message what the sender can fix
 */
public record Rejection(int index, String error, String message) {

    public static final String MALFORMED = "invalid_message";
    public static final String INVALID_FIELD = "invalid_field";
    public static final String INVALID_TYPE = "invalid_type";
    public static final String MISSING_IDENTIFIER = "missing_identifier";
    public static final String MISSING_EVENT = "missing_event";
    public static final String MISSING_GROUP_ID = "missing_group_id";
    public static final String MISSING_PREVIOUS_ID = "missing_previous_id";
    public static final String MESSAGE_TOO_LARGE = "message_too_large";
}
