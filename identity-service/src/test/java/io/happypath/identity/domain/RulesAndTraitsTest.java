package io.happypath.identity.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.happypath.contracts.segment.SegmentMessage;

class RulesAndTraitsTest {

    static final Instant T1 = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant T2 = Instant.parse("2026-02-01T00:00:00Z");

    @Test
    void limitsParse() {
        assertThat(Limit.parse("1")).isEqualTo(new Limit(1, Window.EVER));
        assertThat(Limit.parse(" 5 / Weekly ")).isEqualTo(new Limit(5, Window.WEEKLY));
        assertThatThrownBy(() -> Limit.parse("x/ever")).hasMessageContaining("'<max>/<window>'");
        assertThatThrownBy(() -> Limit.parse("3/daily")).hasMessageContaining("daily");
        assertThatThrownBy(() -> Limit.parse("0")).hasMessageContaining("at least one");
    }

    @Test
    void windowsCountRecentIdentifiers() {
        assertThat(Window.WEEKLY.counts(T2.minusSeconds(6 * 86400), T2)).isTrue();
        assertThat(Window.WEEKLY.counts(T2.minusSeconds(8 * 86400), T2)).isFalse();
        assertThat(Window.EVER.counts(Instant.EPOCH, T2)).isTrue();
    }

    @Test
    void rulesFallBackToDefaults() {
        IdentityRules r = IdentityRules.of(java.util.Set.of(), List.of(), Map.of("user_id", "1/ever"), "5/annually",
                Map.of("user_id", 1, "email", 2), 50);
        assertThat(r.limit("user_id")).isEqualTo(new Limit(1, Window.EVER));
        assertThat(r.limit("crm_id")).isEqualTo(new Limit(5, Window.ANNUALLY));
        assertThat(r.priority("email")).isEqualTo(2);
        assertThat(r.priority("crm_id")).isEqualTo(50);
    }

    @Test
    void newestTraitWinsPerKey() {
        Traits t = Traits.empty().with(Map.of("plan", "pro", "name", "Jane"), T2);
        Traits late = t.with(Map.of("plan", "free", "city", "Berlin"), T1);
        assertThat(late.values()).containsEntry("plan", "pro").containsEntry("city", "Berlin").containsEntry("name", "Jane");
        Traits other = Traits.empty().with(Map.of("plan", "enterprise"), T2.plusSeconds(1));
        assertThat(late.merge(other).values()).containsEntry("plan", "enterprise").containsEntry("city", "Berlin");
        assertThat(other.merge(late).values()).containsEntry("plan", "enterprise");
    }

    @Test
    void undoKeepsTraitsSetAfterTheMerge() {
        Traits before = Traits.empty().with(Map.of("plan", "pro"), T1);
        Traits now = before.with(Map.of("plan", "gold", "city", "Rome"), T2);
        Traits restored = now.newerThan(T1.plusSeconds(1), Traits.empty().with(Map.of("plan", "basic", "x", 1), T1));
        assertThat(restored.values()).containsEntry("plan", "gold").containsEntry("city", "Rome").containsEntry("x", 1);
    }

    @Test
    void rawEventsAreValidatedLikeTheCollectorDoes() {
        SegmentMessage ok = SegmentMessage.builder().type("track").event("Signed Up").messageId("m").anonymousId("a").build();
        assertThat(RawEventValidator.problems(ok, "io.happypath.event.track")).isEmpty();
        assertThat(RawEventValidator.problems(ok, "io.happypath.event.page")).singleElement().asString()
                .contains("does not match");
        assertThat(RawEventValidator.problems(SegmentMessage.builder().type("boom").build(), null)).singleElement()
                .asString().contains("type must be one of");
        assertThat(RawEventValidator.problems(SegmentMessage.builder().type("track").build(), null))
                .containsExactly("messageId is required", "userId or anonymousId is required", "track requires event");
        assertThat(RawEventValidator.problems(SegmentMessage.builder().type("alias").messageId("m").anonymousId("a").build(),
                null)).containsExactly("alias requires previousId and userId");
        assertThat(RawEventValidator.problems(SegmentMessage.builder().type("group").messageId("m").userId("u").build(),
                null)).containsExactly("group requires groupId");
    }
}
