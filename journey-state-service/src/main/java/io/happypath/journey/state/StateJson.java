package io.happypath.journey.state;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;

/**
 * The JSON form of states stored in Redis. Instants are written as epoch milliseconds when they have no finer part
 * (event times, nearly all of them) and as {@code "<epochSecond>.<nanos>"} otherwise; those and ISO-8601 text (states
 * written before) are read. A state holds dozens of instants (histories, touchpoints), and parsing and formatting
 * ISO-8601 text was about a quarter of the CPU spent per event. The API and the published events keep ISO-8601 text:
 * this mapper is for storage only.
 */
public final class StateJson {

    private StateJson() {
    }

    /** A copy of {@code mapper} (its modules and settings) with the compact instants. */
    public static ObjectMapper mapper(ObjectMapper mapper) {
        SimpleModule instants = new SimpleModule("happypath-state-instants");
        instants.addSerializer(Instant.class, new CompactInstantSerializer());
        instants.addDeserializer(Instant.class, new CompactInstantDeserializer());
        return mapper.copy().registerModule(instants);
    }

    static final class CompactInstantSerializer extends JsonSerializer<Instant> {

        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            if (value.getNano() % 1_000_000 == 0) {
                gen.writeNumber(value.toEpochMilli());
            } else {
                String nanos = Integer.toString(value.getNano());
                gen.writeString(value.getEpochSecond() + "." + "0".repeat(9 - nanos.length()) + nanos);
            }
        }
    }

    static final class CompactInstantDeserializer extends JsonDeserializer<Instant> {

        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
                return Instant.ofEpochMilli(p.getLongValue());
            }
            String text = p.getValueAsString();
            if (text == null) {
                return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
            }
            try {
                int dot = text.indexOf('.');
                if (dot > 0 && text.indexOf('T') < 0) {
                    return Instant.ofEpochSecond(Long.parseLong(text, 0, dot, 10),
                            Long.parseLong(text, dot + 1, text.length(), 10));
                }
                return Instant.parse(text.trim());
            } catch (DateTimeParseException | NumberFormatException e) {
                return (Instant) ctxt.handleWeirdStringValue(Instant.class, text, "not an ISO-8601 instant");
            }
        }
    }
}
