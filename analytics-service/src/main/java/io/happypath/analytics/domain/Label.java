package io.happypath.analytics.domain;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a step of a path is called in a Sankey (ALGORITHMS.md, "Paths / Sankey"). */
public enum Label {

    /** The channel alone, e.g. {@code store}. */
    CHANNEL,
    /** The event name alone, e.g. {@code Order Completed}. */
    EVENT,
    /** Channel and event, e.g. {@code store · Order Completed}. */
    CHANNEL_EVENT;

    /** The separator between channel and event in {@link #CHANNEL_EVENT} labels. */
    public static final String SEPARATOR = " · ";

    /** The label of a step. */
    public String of(String channel, String event) {
        return switch (this) {
            case CHANNEL -> channel;
            case EVENT -> event;
            case CHANNEL_EVENT -> channel + SEPARATOR + event;
        };
    }

    /** The query parameter value, e.g. {@code channel_event}. */
    public String wireValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The label for a query parameter value.
     *
     * @throws IllegalArgumentException naming the allowed values
     */
    public static Label fromWire(String value) {
        for (Label l : values()) {
            if (l.wireValue().equals(value)) {
                return l;
            }
        }
        throw new IllegalArgumentException("label must be one of "
                + Arrays.stream(values()).map(Label::wireValue).collect(Collectors.joining("|")) + ", was '" + value + "'");
    }
}
