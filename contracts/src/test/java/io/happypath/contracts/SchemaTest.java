package io.happypath.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;

import io.happypath.contracts.segment.SegmentMessage;

/**
 * Holds the JSON Schemas and the records to each other: each schema describes exactly what its record writes, and
 * the record needs what the schema requires.
 */
class SchemaTest {

    static final String BASE = "https://happypath.io/schemas/";
    static final String DIR = "schemas/";

    final ObjectMapper mapper = Json.newMapper();
    final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            builder -> builder
                    .schemaIdResolvers(resolvers -> resolvers.mapPrefix(BASE, "classpath:" + DIR))
                    .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));

    static Stream<Samples.Case> cases() {
        return Samples.cases().stream();
    }

    @Test
    void everySchemaFileHasSamplesAndEverySampleASchema() throws Exception {
        Set<String> files = new TreeSet<>();
        try (Stream<Path> list = Files.list(schemaDirectory())) {
            list.map(p -> p.getFileName().toString()).forEach(files::add);
        }

        assertThat(files).allMatch(f -> f.endsWith(".schema.json"));
        assertThat(files).containsExactlyInAnyOrderElementsOf(
                Samples.cases().stream().map(c -> c.schema() + ".schema.json").toList());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void schemaIsDraft202012WithItsOwnId(Samples.Case c) throws Exception {
        JsonNode schema = load(c.schema());

        assertThat(schema.path("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(schema.path("$id").asText()).isEqualTo(BASE + c.schema() + ".schema.json");
        assertThat(schema.path("type").asText()).isEqualTo("object");
        assertThat(schema.path("description").asText()).isNotBlank();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void fullSampleWritesExactlyTheDeclaredPropertiesAndEveryRequiredOne(Samples.Case c) throws Exception {
        Node schema = new Node(load(c.schema()), load(c.schema()));
        JsonNode json = mapper.valueToTree(c.full());

        assertThat(names(json)).as("properties the record writes vs. the schema declares")
                .containsExactlyInAnyOrderElementsOf(declared(schema));
        assertThat(names(json)).containsAll(required(schema));
        assertWritesOnlyDeclared(schema, json, "$");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void minimalSampleWritesTheRequiredProperties(Samples.Case c) throws Exception {
        Node schema = new Node(load(c.schema()), load(c.schema()));
        JsonNode json = mapper.valueToTree(c.minimal());

        assertThat(names(json)).containsAll(required(schema));
        if (!(c.minimal() instanceof SegmentMessage)) {
            // Segment messages also need what their type requires (anyOf/if-then); the validator checks those.
            assertThat(names(json)).as("optional properties absent when null").containsExactlyInAnyOrderElementsOf(
                    required(schema));
        }
        assertWritesOnlyDeclared(schema, json, "$");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void samplesAreValid(Samples.Case c) throws Exception {
        Schema schema = schema(c.schema());

        assertThat(schema.validate(mapper.valueToTree(c.full()))).isEmpty();
        assertThat(schema.validate(mapper.valueToTree(c.minimal()))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachRequiredPropertyIsEnforcedByTheSchema(Samples.Case c) throws Exception {
        Schema schema = schema(c.schema());
        for (String property : required(new Node(load(c.schema()), load(c.schema())))) {
            ObjectNode json = mapper.valueToTree(c.full());
            json.remove(property);

            assertThat(schema.validate(json)).as("without %s", property).isNotEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachRequiredPropertyIsNeededByTheRecord(Samples.Case c) throws Exception {
        if (c.schema().startsWith("segment-") || c.schema().startsWith("stitched-")) {
            return; // The Segment types also carry client input before validation: they require nothing.
        }
        for (String property : required(new Node(load(c.schema()), load(c.schema())))) {
            ObjectNode json = mapper.valueToTree(c.full());
            json.remove(property);

            Class<?> type = c.full().getClass();
            assertThatThrownBy(() -> mapper.treeToValue(json, type))
                    .as("%s without %s", type.getSimpleName(), property)
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void segmentRulesPerMessageTypeAreInTheSchema() throws Exception {
        Schema schema = schema("segment-message");
        SegmentMessage track = Samples.minimalTrack();

        assertThat(schema.validate(mapper.valueToTree(track.toBuilder().event(null).build()))).isNotEmpty();
        assertThat(schema.validate(mapper.valueToTree(track.toBuilder().userId(null).build()))).isNotEmpty();
        assertThat(schema.validate(mapper.valueToTree(track.toBuilder().userId(null).anonymousId("a").build())))
                .isEmpty();
        assertThat(schema.validate(mapper.valueToTree(track.toBuilder().type("alias").event(null).build())))
                .isNotEmpty();
        assertThat(schema.validate(mapper.valueToTree(
                track.toBuilder().type("alias").event(null).previousId("anon-1").build()))).isEmpty();
        assertThat(schema.validate(mapper.valueToTree(track.toBuilder().type("group").build()))).isNotEmpty();
        assertThat(schema.validate(mapper.valueToTree(track.toBuilder().type("purchase").build()))).isNotEmpty();
        assertThat(schema("stitched-segment-message").validate(mapper.valueToTree(track))).isNotEmpty();
    }

    @Test
    void segmentSchemaAcceptsUnknownFields() throws Exception {
        SegmentMessage message = Samples.minimalTrack().toBuilder()
                .extra(Samples.map("rudderId", "r-1", "channel", "web", "custom", Samples.map("a", List.of(1, 2))))
                .build();

        List<Error> errors = schema("segment-message").validate(mapper.valueToTree(message));

        assertThat(errors).isEmpty();
    }

    @Test
    void formatsAreAsserted() throws Exception {
        ObjectNode stalled = mapper.valueToTree(Samples.cases().stream()
                .filter(c -> c.schema().equals("journey-stalled")).findFirst().orElseThrow().full());
        stalled.put("expectedWithin", "two days");
        stalled.put("at", "yesterday");

        assertThat(schema("journey-stalled").validate(stalled)).extracting(Error::getKeyword)
                .containsOnly("format")
                .hasSize(2);
    }

    // --- a small reader of the schemas: $ref (to $defs or to a sibling file) and allOf, which is all they use

    /** A schema node and the document it came from, to resolve {@code #/$defs/...}. */
    record Node(JsonNode schema, JsonNode document) {
    }

    /** The node and everything it includes by {@code $ref} and {@code allOf}. */
    List<Node> expand(Node node) throws IOException {
        List<Node> all = new ArrayList<>();
        all.add(node);
        String ref = node.schema().path("$ref").asText(null);
        if (ref != null) {
            if (ref.startsWith("#/")) {
                all.addAll(expand(new Node(node.document().at(ref.substring(1)), node.document())));
            } else {
                JsonNode other = load(ref.replace(".schema.json", ""));
                all.addAll(expand(new Node(other, other)));
            }
        }
        for (JsonNode part : node.schema().path("allOf")) {
            all.addAll(expand(new Node(part, node.document())));
        }
        return all;
    }

    Map<String, Node> properties(Node node) throws IOException {
        Map<String, Node> properties = new LinkedHashMap<>();
        for (Node n : expand(node)) {
            for (Map.Entry<String, JsonNode> p : n.schema().path("properties").properties()) {
                properties.putIfAbsent(p.getKey(), new Node(p.getValue(), n.document()));
            }
        }
        return properties;
    }

    Set<String> declared(Node node) throws IOException {
        return properties(node).keySet();
    }

    Set<String> required(Node node) throws IOException {
        Set<String> required = new LinkedHashSet<>();
        for (Node n : expand(node)) {
            n.schema().path("required").forEach(r -> required.add(r.asText()));
        }
        return required;
    }

    /** Every property the JSON has is declared, at every depth where the schema declares properties. */
    void assertWritesOnlyDeclared(Node schema, JsonNode json, String path) throws IOException {
        if (json.isArray()) {
            Node items = null;
            for (Node n : expand(schema)) {
                if (n.schema().has("items")) {
                    items = new Node(n.schema().get("items"), n.document());
                }
            }
            if (items != null) {
                for (JsonNode element : json) {
                    assertWritesOnlyDeclared(items, element, path + "[]");
                }
            }
            return;
        }
        if (!json.isObject()) {
            return;
        }
        Map<String, Node> properties = properties(schema);
        if (properties.isEmpty()) {
            return; // a free-form object such as Segment properties
        }
        for (Map.Entry<String, JsonNode> field : json.properties()) {
            assertThat(properties).as("%s.%s is declared", path, field.getKey()).containsKey(field.getKey());
            assertWritesOnlyDeclared(properties.get(field.getKey()), field.getValue(), path + "." + field.getKey());
        }
    }

    static Set<String> names(JsonNode json) {
        Set<String> names = new LinkedHashSet<>();
        json.properties().forEach(p -> names.add(p.getKey()));
        return names;
    }

    JsonNode load(String name) throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(DIR + name + ".schema.json")) {
            assertThat(in).as("schema %s", name).isNotNull();
            return mapper.readTree(in);
        }
    }

    Schema schema(String name) {
        return registry.getSchema(SchemaLocation.of(BASE + name + ".schema.json"));
    }

    static Path schemaDirectory() throws URISyntaxException {
        URI uri = SchemaTest.class.getClassLoader().getResource(DIR).toURI();
        return Path.of(uri);
    }
}
