package io.happypath.decision.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PipelineTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    private static CompiledAction action(String id, String group, double value, double weight, String eligibility) {
        return CompiledAction.of(new Action(id, id, group, null, List.of("web"), List.of(), eligibility, null, null,
                value, weight, Map.of(), List.of(), null, List.of()));
    }

    private static DecisionInputs inputs(Map<String, Object> state, Map<String, Object> traits,
            Map<String, Object> context) {
        return new DecisionInputs("web", null, Map.of("traits", traits, "known", true), state, Map.of(), context,
                NOW);
    }

    @Test
    void openServiceIssueSuppressesSellingAndBoostsService() {
        var screening = Pipeline.screen(List.of(action("offer", "sales", 1, 0, null), action("upsell", "upsell", 1,
                0, null), action("help", "service", 1, 0, null), action("stay", "retention", 1, 0, null)),
                inputs(Map.of("signals", Map.of("openServiceIssue", Map.of())), Map.of(), Map.of()),
                GuardSettings.defaults());
        assertThat(screening.survivors()).extracting(CompiledAction::id).containsExactly("help", "stay");
        assertThat(screening.suppressed()).containsExactly(
                new Suppression("offer", "open service issue: openServiceIssue"),
                new Suppression("upsell", "open service issue: openServiceIssue"));
        assertThat(screening.boosts()).containsEntry("help", 100.0).doesNotContainKey("stay");
    }

    @Test
    void frustrationAboveTheThresholdSuppressesSellingButNotAtIt() {
        var g = GuardSettings.defaults();
        var high = Pipeline.screen(List.of(action("offer", "sales", 1, 0, null)),
                inputs(Map.of("emotion", Map.of("frustration", 0.75)), Map.of(), Map.of()), g);
        assertThat(high.suppressed()).extracting(Suppression::reason).containsExactly("frustration 0.75 above 0.60");
        var at = Pipeline.screen(List.of(action("offer", "sales", 1, 0, null)),
                inputs(Map.of("emotion", Map.of("frustration", 0.6)), Map.of(), Map.of()), g);
        assertThat(at.survivors()).hasSize(1);
    }

    @Test
    void rulesSeeProfileStateAndContextAndFailClosed() {
        var in = inputs(Map.of("segments", List.of("at-risk")), Map.of("plan", "premium", "age", 42),
                Map.of("intent", "browse"));
        var s = Pipeline.screen(List.of(action("a", "retention", 1, 0, "'at-risk' in state.segments"),
                action("b", "retention", 1, 0, "profile.traits.age > 40 && context.intent == 'browse'"),
                action("c", "retention", 1, 0, "profile.traits.missing == 'x'"),
                action("e", "retention", 1, 0, "has(state.signals) || state.segments.exists(s, s == 'at-risk')"),
                action("d", "retention", 1, 0, "profile.traits.plan == 'basic'")), in, GuardSettings.defaults());
        assertThat(s.survivors()).extracting(CompiledAction::id).containsExactly("a", "b", "e");
        assertThat(s.suppressed()).extracting(Suppression::actionId).containsExactly("c", "d");
        assertThat(s.suppressed().get(1).reason()).isEqualTo("eligibility rule not met: profile.traits.plan == 'basic'");
    }

    @Test
    void recentPurchaseWithinTheWindowIsNotApplicable() {
        var phone = CompiledAction.of(new Action("phone", "Phone", "cross-sell", null, List.of("web"), List.of(),
                null, null, null, 1.0, 0.0, Map.of(), List.of(), "phone", List.of()));
        var recent = Map.<String, Object>of("lastTouchpoints", List.of(Map.of("event", "Order Completed", "at",
                NOW.minus(Duration.ofDays(3)).toString(), "properties", Map.of("category", "phone"))));
        var old = Map.<String, Object>of("lastTouchpoints", List.of(Map.of("event", "Order Completed", "at",
                NOW.minus(Duration.ofDays(45)).toString(), "properties", Map.of("category", "phone"))));
        assertThat(Pipeline.screen(List.of(phone), inputs(recent, Map.of(), Map.of()), GuardSettings.defaults())
                .suppressed()).hasSize(1);
        assertThat(Pipeline.screen(List.of(phone), inputs(old, Map.of(), Map.of()), GuardSettings.defaults())
                .survivors()).hasSize(1);
    }

    @Test
    void arbitrationIsPropensityTimesContextTimesValueTimesLever() {
        var a = action("a", "retention", 2, 50, null);
        var b = action("b", "sales", 10, 0, null);
        var cw = new ContextWeight(Rule.compile("cw", "context.intent == 'cancellation'"), "retention", null, 100);
        var in = inputs(Map.of(), Map.of(), Map.of("intent", "cancellation"));
        var vars = in.celVariables();
        var ranked = Pipeline.arbitrate(List.of(a, b), x -> x.id().equals("a") ? 0.5 : 0.1, Map.of("a", 100.0),
                List.of(cw), Map.of("sales", 20.0), Map.of(), vars, 5);
        // a: 0.5 × (1 + (100 + 100)/100) × 2 × 1.5 = 4.5; b: 0.1 × 1 × 10 × 1.2 = 1.2
        assertThat(ranked).extracting(r -> r.action().id()).containsExactly("a", "b");
        assertThat(ranked.get(0).priority()).isCloseTo(4.5, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(ranked.get(1).priority()).isCloseTo(1.2, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Pipeline.arbitrate(List.of(a, b), x -> 0.5, Map.of(), List.of(), Map.of(), Map.of(), vars, 1))
                .extracting(r -> r.action().id()).containsExactly("b");
    }

    @Test
    void placementsAndChannelsSelectCandidates() {
        var a = new Action("a", "A", "g", null, List.of("web"), List.of("home-hero"), null, null, null, null, null,
                null, null, null, null);
        assertThat(a.offeredOn("web", "home-hero")).isTrue();
        assertThat(a.offeredOn("web", null)).isTrue();
        assertThat(a.offeredOn("web", "footer")).isFalse();
        assertThat(a.offeredOn("email", "home-hero")).isFalse();
        assertThat(a.value()).isEqualTo(1.0);
    }

    @Test
    void rulesThatDoNotCompileNameTheRule() {
        assertThatThrownBy(() -> Rule.compile("suitability", "state.x <")).isInstanceOf(RuleCompileException.class)
                .hasMessageContaining("'suitability'");
        assertThatThrownBy(() -> Rule.compile("eligibility", "'a' + 'b'")).hasMessageContaining("not a bool");
    }
}
