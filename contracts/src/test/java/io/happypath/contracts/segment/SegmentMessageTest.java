package io.happypath.contracts.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.happypath.contracts.CloudEventTypes;
import io.happypath.contracts.Json;
import io.happypath.contracts.Samples;

class SegmentMessageTest {

    private final ObjectMapper mapper = Json.newMapper();

    private static final String FROM_A_CLIENT = """
            {"type": "track", "event": "Order Completed", "anonymousId": "a-1", "userId": null,
             "properties": {"total": 19.99, "items": [{"sku": "p-1"}], "coupon": null},
             "context": {"library": {"name": "analytics.js"}},
             "timestamp": "2026-03-01T11:15:30.123+01:00",
             "rudderId": "r-9", "channel": "web", "extra": 5, "nothing": null,
             "custom": {"nested": [1, "two", {"three": 3.0}], "flag": true},
             "version": 2}
            """;

    @Test
    void keepsUnknownFieldsOnARoundTrip() throws Exception {
        SegmentMessage message = mapper.readValue(FROM_A_CLIENT, SegmentMessage.class);

        assertThat(message.extra()).containsOnlyKeys("rudderId", "channel", "extra", "nothing", "custom", "version");
        assertThat(message.extra()).containsEntry("extra", 5).containsEntry("nothing", null);

        JsonNode written = mapper.readTree(mapper.writeValueAsString(message));
        JsonNode original = mapper.readTree(FROM_A_CLIENT);
        for (String field : List.of("rudderId", "channel", "extra", "nothing", "custom", "version")) {
            assertThat(written.get(field)).as(field).isEqualTo(original.get(field));
        }
        assertThat(written.get("properties")).isEqualTo(original.get("properties"));
        assertThat(mapper.readValue(mapper.writeValueAsString(message), SegmentMessage.class)).isEqualTo(message);
    }

    @Test
    void keepsUnknownFieldsWithAMapperThatFailsOnUnknownProperties() throws Exception {
        ObjectMapper strict = JsonMapper.builder().addModule(new JavaTimeModule()).build();

        SegmentMessage message = strict.readValue(FROM_A_CLIENT, SegmentMessage.class);

        assertThat(message.extra()).containsKey("rudderId");
    }

    @Test
    void readsTimestampsWithAnOffsetAsInstantsAndWritesThemInUtc() throws Exception {
        SegmentMessage message = mapper.readValue(FROM_A_CLIENT, SegmentMessage.class);

        assertThat(message.timestamp()).isEqualTo(Instant.parse("2026-03-01T10:15:30.123Z"));
        assertThat(mapper.valueToTree(message).get("timestamp").asText()).isEqualTo("2026-03-01T10:15:30.123Z");
    }

    @Test
    void omitsNullFieldsButKeepsNullsInsideMaps() throws Exception {
        JsonNode written = mapper.valueToTree(mapper.readValue(FROM_A_CLIENT, SegmentMessage.class));

        assertThat(written.has("userId")).isFalse();
        assertThat(written.get("properties").has("coupon")).isTrue();
    }

    @Test
    void coercesANumericUserIdToAString() throws Exception {
        SegmentMessage message = mapper.readValue("{\"type\":\"identify\",\"userId\":12345}", SegmentMessage.class);

        assertThat(message.userId()).isEqualTo("12345");
    }

    @Test
    void namesTheFieldThatHasTheWrongType() {
        assertThatThrownBy(() -> mapper.readValue("{\"type\":\"track\",\"timestamp\":\"not a time\"}",
                SegmentMessage.class))
                .isInstanceOf(JsonMappingException.class)
                .satisfies(e -> assertThat(((JsonMappingException) e).getPathReference()).contains("timestamp"));
        assertThatThrownBy(() -> mapper.readValue("{\"type\":\"track\",\"properties\":[1]}", SegmentMessage.class))
                .isInstanceOf(JsonMappingException.class)
                .satisfies(e -> assertThat(((JsonMappingException) e).getPathReference()).contains("properties"));
        assertThatThrownBy(() -> mapper.readValue("[1, 2]", SegmentMessage.class))
                .isInstanceOf(JsonMappingException.class);
    }

    @Test
    void withProfileIdChangesOnlyTheProfileId() {
        SegmentMessage raw = Samples.fullTrack().toBuilder()
                .profileId(null)
                .extra(Samples.map("rudderId", "r-1"))
                .build();

        SegmentMessage stitched = raw.withProfileId("p-42");

        assertThat(stitched.profileId()).isEqualTo("p-42");
        assertThat(raw.profileId()).isNull();
        assertThat(stitched).usingRecursiveComparison().ignoringFields("profileId").isEqualTo(raw);
        assertThat(stitched.extra()).containsEntry("rudderId", "r-1");
    }

    @Test
    void channelIsContextChannelElseSource() {
        SegmentMessage fromWeb = Samples.minimalTrack().toBuilder().source("web").build();

        assertThat(fromWeb.channel()).isEqualTo("web");
        assertThat(fromWeb.toBuilder().context(Map.of("channel", "callcenter")).build().channel())
                .isEqualTo("callcenter");
        assertThat(fromWeb.toBuilder().context(Map.of("channel", " ")).build().channel()).isEqualTo("web");
        assertThat(fromWeb.toBuilder().context(Map.of("channel", 7)).build().channel()).isEqualTo("web");
        assertThat(fromWeb.toBuilder().source(null).build().channel()).isNull();
    }

    @Test
    void channelIsNotWrittenAsAField() {
        JsonNode written = mapper.valueToTree(Samples.minimalTrack());

        assertThat(written.has("channel")).isFalse();
        assertThat(written.has("extra")).isFalse();
    }

    @Test
    void rawKeyIsTheAnonymousIdElseTheUserId() {
        SegmentMessage m = Samples.minimalTrack();

        assertThat(m.toBuilder().anonymousId("a-1").userId("u-1").build().rawKey()).isEqualTo("a-1");
        assertThat(m.toBuilder().anonymousId(null).userId("u-1").build().rawKey()).isEqualTo("u-1");
        assertThat(m.toBuilder().anonymousId("").userId("u-1").build().rawKey()).isEqualTo("u-1");
    }

    @Test
    void cloudEventTypeFollowsTheMessageType() {
        assertThat(Samples.minimalTrack().cloudEventType()).isEqualTo(CloudEventTypes.TRACK);
        assertThat(Samples.minimalTrack().toBuilder().type("alias").build().cloudEventType())
                .isEqualTo(CloudEventTypes.ALIAS);
    }

    @Test
    void fieldsNamesEveryModelledComponent() {
        Set<String> components = Arrays.stream(SegmentMessage.class.getRecordComponents())
                .map(c -> c.getName())
                .filter(n -> !n.equals("extra"))
                .collect(Collectors.toSet());

        assertThat(SegmentMessage.FIELDS).isEqualTo(components);
    }

    @Test
    void readsEveryModelledFieldIntoItsComponent() throws Exception {
        String json = mapper.writeValueAsString(Samples.fullTrack());

        SegmentMessage back = mapper.readValue(json, SegmentMessage.class);

        assertThat(back.extra()).isEmpty();
        assertThat(back).isEqualTo(Samples.fullTrack());
    }

    @Test
    void rejectsExtraFieldsThatWouldShadowAModelledField() {
        assertThatThrownBy(() -> Samples.minimalTrack().toBuilder().extra(Map.of("userId", "x")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("userId");
    }

    @Test
    void isImmutable() {
        Map<String, Object> properties = Samples.map("a", 1);
        SegmentMessage m = Samples.minimalTrack().toBuilder().properties(properties).build();
        properties.put("b", 2);

        assertThat(m.properties()).containsOnlyKeys("a");
        assertThatThrownBy(() -> m.properties().put("c", 3)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> m.extra().put("c", 3)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void readsABatchAsAnalyticsJavaSendsIt() throws Exception {
        String body = """
                {"batch": [{"type": "identify", "userId": "u-1", "traits": {"email": "jane@example.com"},
                            "messageId": "m-1", "timestamp": "2026-03-01T10:15:30.123Z", "type2": "kept"},
                           {"type": "track", "userId": "u-1", "event": "Order Completed", "messageId": "m-2"}],
                 "sentAt": "2026-03-01T10:15:31Z", "writeKey": "local-web", "context": {"library": {"name": "analytics-java"}},
                 "somethingNew": 1}
                """;

        SegmentBatch batch = mapper.readValue(body, SegmentBatch.class);

        assertThat(batch.batch()).extracting(SegmentMessage::messageId).containsExactly("m-1", "m-2");
        assertThat(batch.batch().get(0).extra()).containsEntry("type2", "kept");
        assertThat(batch.writeKey()).isEqualTo("local-web");
        assertThat(batch.sentAt()).isEqualTo(Instant.parse("2026-03-01T10:15:31Z"));
        assertThat(batch.context()).containsKey("library");
        assertThat(mapper.readValue(mapper.writeValueAsString(batch), SegmentBatch.class)).isEqualTo(batch);
    }
}
