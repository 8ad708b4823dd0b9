package io.happypath.contracts;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The JSON settings of the wire types, for code without a Quarkus-managed mapper (tests, devstack, tools).
 * Quarkus services inject their own {@link ObjectMapper}, whose defaults already match these settings: ISO-8601
 * date-times and unknown properties ignored.
 */
public final class Json {

    private Json() {
    }

    /** A new mapper configured for the wire types. */
    public static ObjectMapper newMapper() {
        return configure(JsonMapper.builder().build());
    }

    /** Applies the wire settings to an existing mapper and returns it. */
    public static ObjectMapper configure(ObjectMapper mapper) {
        return mapper.registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }
}
