package io.happypath.analytics.domain;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How a funnel may be broken down: by nothing, by the profile's first channel, or by segment. */
public enum Breakdown {

    /** No breakdown. */
    NONE(null),
    /** The channel of the profile's first path step (the first column of a Sankey labelled by channel). */
    FIRST_CHANNEL("firstChannel"),
    /**
     * The segments the profile is in at the end of the range (from {@code segment.changed} events); a profile in
     * several segments counts in each, so the groups may add up to more than the whole.
     */
    SEGMENT("segment");

    /** The group of profiles without a first channel (no path step) or in no segment. */
    public static final String NO_VALUE = "(none)";

    private final String wireValue;

    Breakdown(String wireValue) {
        this.wireValue = wireValue;
    }

    /** The query parameter value, e.g. {@code firstChannel}; null for {@link #NONE}. */
    public String wireValue() {
        return wireValue;
    }

    /**
     * The breakdown for a query parameter value ({@link #NONE} when blank).
     *
     * @throws InvalidParameter naming the allowed values
     */
    public static Breakdown fromWire(String value) {
        if (value == null || value.isBlank()) {
            return NONE;
        }
        for (Breakdown b : values()) {
            if (value.equals(b.wireValue)) {
                return b;
            }
        }
        throw new InvalidParameter("breakdown", "'breakdown' must be one of "
                + Arrays.stream(values()).filter(b -> b != NONE).map(Breakdown::wireValue).collect(Collectors.joining("|"))
                + ", was '" + value + "'");
    }
}
