package io.happypath.journey.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.happypath.journey.domain.ProfileState;

class StateJsonTest {

    final ObjectMapper mapper = StateJson.mapper(new ObjectMapper().registerModule(new JavaTimeModule()));

    record Times(List<Instant> at) {
    }

    @Test
    void instantsRoundTripCompactlyAtAnyPrecision() throws Exception {
        List<Instant> instants = List.of(Instant.parse("2026-03-01T10:00:00.123Z"), Instant.parse("2026-03-01T10:00:00Z"),
                Instant.parse("2026-03-01T10:00:00.123456Z"), Instant.parse("2026-03-01T10:00:00.000000001Z"),
                Instant.parse("1969-12-31T23:59:59.5Z"));
        String json = mapper.writeValueAsString(new Times(instants));
        assertThat(json).contains("1772359200123").doesNotContain("2026-03-01T");
        assertThat(mapper.readValue(json, Times.class).at()).isEqualTo(instants);
    }

    @Test
    void statesWrittenWithIsoTextStillRead() throws Exception {
        ProfileState s = mapper.readValue("""
                {"profileId": "p", "updatedAt": "2026-03-01T10:00:00.123456Z", "emotionAt": 1772359200123}
                """, ProfileState.class);
        assertThat(s.updatedAt).isEqualTo(Instant.parse("2026-03-01T10:00:00.123456Z"));
        assertThat(s.emotionAt).isEqualTo(Instant.parse("2026-03-01T10:00:00.123Z"));
    }
}
