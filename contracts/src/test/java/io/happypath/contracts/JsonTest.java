package io.happypath.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

class JsonTest {

    record Timed(Instant at) {
    }

    @Test
    void writesIso8601AndIgnoresUnknownProperties() throws Exception {
        ObjectMapper mapper = Json.newMapper();

        assertThat(mapper.isEnabled(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)).isFalse();
        assertThat(mapper.isEnabled(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)).isFalse();
        assertThat(mapper.writeValueAsString(new Timed(Samples.AT))).isEqualTo("{\"at\":\"2026-03-01T10:15:30.123Z\"}");
        assertThat(mapper.readValue("{\"at\":\"2026-03-01T10:15:30.123Z\",\"new\":1}", Timed.class).at())
                .isEqualTo(Samples.AT);
    }

    @Test
    void newMapperReturnsIndependentMappers() {
        ObjectMapper one = Json.newMapper();
        one.enable(SerializationFeature.INDENT_OUTPUT);

        assertThat(Json.newMapper().isEnabled(SerializationFeature.INDENT_OUTPUT)).isFalse();
    }
}
