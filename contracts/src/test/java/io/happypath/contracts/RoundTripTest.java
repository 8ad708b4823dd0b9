package io.happypath.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.happypath.contracts.segment.SegmentMessage;

class RoundTripTest {

    private final ObjectMapper mapper = Json.newMapper();

    static Stream<Arguments> samples() {
        return Samples.cases().stream()
                .flatMap(c -> Stream.of(Arguments.of(c.schema() + " (full)", c.full()),
                        Arguments.of(c.schema() + " (minimal)", c.minimal())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void readsBackWhatItWrites(String name, Object sample) throws Exception {
        String json = mapper.writeValueAsString(sample);

        Object back = mapper.readValue(json, sample.getClass());

        assertThat(back).isEqualTo(sample);
        assertThat(mapper.writeValueAsString(back)).isEqualTo(json);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void writesTimesAsIso8601StringsAndOmitsAbsentFields(String name, Object sample) {
        JsonNode json = mapper.valueToTree(sample);

        json.properties().forEach(field -> {
            assertThat(field.getValue().isNull()).as("%s is null", field.getKey()).isFalse();
            if (field.getKey().equals("at") || field.getKey().equals("timestamp")) {
                assertThat(field.getValue().asText()).isEqualTo("2026-03-01T10:15:30.123Z");
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void toleratesPropertiesAddedByNewerProducersWhateverTheMapper(String name, Object sample) throws Exception {
        // A mapper that fails on unknown properties, unlike Json and Quarkus' default: the records decide.
        ObjectMapper strict = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .build();
        ObjectNode json = strict.valueToTree(sample);
        json.put("addedInAFutureVersion", 42);

        Object back = strict.treeToValue(json, sample.getClass());

        assertThat(strict.valueToTree(back).has("addedInAFutureVersion"))
                .as("only SegmentMessage keeps unknown fields")
                .isEqualTo(sample instanceof SegmentMessage);
    }
}
