package io.happypath.contracts.identity;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One identifier of a profile, e.g. {@code (email, jane@example.com)}; part of the data of the
 * {@code hp.identity.v1} CloudEvents.
 *
 * @param type {@code user_id}, {@code anonymous_id}, {@code email}, {@code phone}, {@code device_id} or a
 *        {@code context.externalIds} type
 * @param value the identifier as it appeared in the event
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Identifier(String type, String value) {

    public static final String USER_ID = "user_id";
    public static final String ANONYMOUS_ID = "anonymous_id";
    public static final String EMAIL = "email";
    public static final String PHONE = "phone";
    public static final String DEVICE_ID = "device_id";

    public Identifier {
        Objects.requireNonNull(type, "type is required");
        Objects.requireNonNull(value, "value is required");
    }

    public static Identifier of(String type, String value) {
        return new Identifier(type, value);
    }
}
