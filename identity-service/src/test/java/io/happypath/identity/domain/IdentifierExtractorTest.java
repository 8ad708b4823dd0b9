package io.happypath.identity.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.happypath.contracts.identity.Identifier;
import io.happypath.contracts.segment.SegmentMessage;

class IdentifierExtractorTest {

    final IdentifierExtractor extractor = new IdentifierExtractor(IdentityRules.defaults());

    @Test
    void extractsEveryKindOfIdentifier() {
        SegmentMessage m = SegmentMessage.builder().type("identify").messageId("m1").userId(" u1 ").anonymousId("a1")
                .traits(Map.of("email", "  Jane@Example.COM ", "phone", "+49 (30) 123-4567"))
                .context(Map.of("device", Map.of("id", "dev-1"),
                        "traits", Map.of("email", "jane@example.com"),
                        "externalIds", List.of(Map.of("id", "cust-9", "type", "Crm_Id", "collection", "users"),
                                Map.of("id", "x"), "not-a-map")))
                .build();
        assertThat(extractor.extract(m).identifiers()).containsExactly(
                Identifier.of("user_id", "u1"), Identifier.of("anonymous_id", "a1"),
                Identifier.of("email", "jane@example.com"), Identifier.of("phone", "+49301234567"),
                Identifier.of("device_id", "dev-1"), Identifier.of("crm_id", "cust-9"));
    }

    @Test
    void aliasLinksThePreviousId() {
        SegmentMessage m = SegmentMessage.builder().type("alias").messageId("m1").userId("u1").previousId("anon-7").build();
        assertThat(extractor.extract(m).identifiers()).containsExactly(Identifier.of("user_id", "u1"),
                Identifier.of("anonymous_id", "anon-7"));
    }

    @Test
    void groupTraitsAreNotThePersons() {
        SegmentMessage m = SegmentMessage.builder().type("group").messageId("m1").userId("u1").groupId("g")
                .traits(Map.of("email", "billing@acme.test")).build();
        assertThat(extractor.extract(m).identifiers()).containsExactly(Identifier.of("user_id", "u1"));
    }

    @Test
    void blockedValuesNeverBecomeIdentifiers() {
        SegmentMessage m = SegmentMessage.builder().type("track").event("e").messageId("m1").userId("0000-000")
                .anonymousId("Anonymous").traits(Map.of("email", "NULL"))
                .context(Map.of("device", Map.of("id", "-1"))).build();
        IdentifierExtractor.Extracted e = extractor.extract(m);
        assertThat(e.identifiers()).isEmpty();
        assertThat(e.blocked()).hasSize(4);
    }

    @Test
    void configuredBlockedValuesAndPatternsApply() {
        IdentityRules rules = IdentityRules.of(java.util.Set.of("guest"), List.of("^test-.*$"), Map.of(), "5", Map.of(), 9);
        IdentifierExtractor custom = new IdentifierExtractor(rules);
        SegmentMessage m = SegmentMessage.builder().type("page").messageId("m").userId("GUEST").anonymousId("test-1")
                .context(Map.of("device", Map.of("id", "0000"))).build();
        assertThat(custom.extract(m).identifiers()).containsExactly(Identifier.of("device_id", "0000"));
    }

    @Test
    void phonesWithoutCountryCodeTakeTheConfiguredDefaultRegion() {
        IdentifierExtractor german = new IdentifierExtractor(IdentityRules.defaults(), new PhoneNumbers("DE"));
        SegmentMessage m = SegmentMessage.builder().type("identify").messageId("m1").userId("u1")
                .traits(Map.of("phone", "030 1234567")).build();
        assertThat(german.extract(m).identifiers()).contains(Identifier.of("phone", "+49301234567"));
        assertThat(extractor.extract(m).identifiers()).contains(Identifier.of("phone", "0301234567"));
        assertThat(german.normalise("phone", " 0049 30 1234567 ")).isEqualTo("+49301234567");
    }

    @Test
    void badShapesAreIgnoredNotFatal() {
        SegmentMessage m = SegmentMessage.builder().type("track").event("e").messageId("m1").anonymousId("a")
                .traits(Map.of("email", 42)).context(Map.of("device", "flat", "externalIds", "nope")).build();
        assertThat(extractor.extract(m).identifiers()).containsExactly(Identifier.of("anonymous_id", "a"),
                Identifier.of("email", "42"));
        SegmentMessage tooLong = SegmentMessage.builder().type("track").event("e").messageId("m1")
                .anonymousId("x".repeat(600)).build();
        assertThat(extractor.extract(tooLong).identifiers()).isEmpty();
    }
}
