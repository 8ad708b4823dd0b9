package io.happypath.contracts.decision;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What a customer did with an action that was offered, in {@link DecisionOutcome}; lower-case on the wire. */
public enum Outcome {

    IMPRESSION, CLICKED, ACCEPTED, DISMISSED, CONVERTED;

    /** The JSON value, e.g. {@code clicked}. */
    @JsonValue
    public String wireValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The outcome for a JSON value.
     *
     * @throws IllegalArgumentException naming the allowed values when {@code value} is not one of them
     */
    @JsonCreator
    public static Outcome fromWire(String value) {
        for (Outcome o : values()) {
            if (o.wireValue().equals(value)) {
                return o;
            }
        }
        throw new IllegalArgumentException("unknown outcome '" + value + "', expected one of "
                + Arrays.stream(values()).map(Outcome::wireValue).collect(Collectors.joining("|")));
    }
}
