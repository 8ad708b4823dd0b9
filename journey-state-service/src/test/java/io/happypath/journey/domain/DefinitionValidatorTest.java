package io.happypath.journey.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.happypath.journey.domain.JourneyDefinition.SignalDefinition;
import io.happypath.journey.domain.JourneyDefinition.Stage;
import io.happypath.journey.domain.JourneyDefinition.Trigger;

class DefinitionValidatorTest {

    static JourneyDefinition phone() {
        return new JourneyDefinition("phone", "Phone",
                List.of(new Stage("purchased", new Trigger("Order Completed", null, "event.properties.category == 'phone'"),
                        null),
                        new Stage("activating", new Trigger("Activation Started", null, null), "PT48H"),
                        new Stage("activated", new Trigger("Activation Completed", null, null), null)),
                List.of("purchased", "activating", "activated"), List.of(new Trigger("Order Refunded", null, null)),
                List.of(new SignalDefinition("openServiceIssue", new Trigger("Support Ticket Opened", null, null),
                        new Trigger("Support Ticket Resolved", null, null))));
    }

    private static List<String> fields(JourneyDefinition d) {
        return DefinitionValidator.journey(d, 1).problems().stream().map(DefinitionProblem::field).toList();
    }

    @Test
    void acceptsAndCompilesAValidJourney() {
        var r = DefinitionValidator.journey(phone(), 3);
        assertThat(r.ok()).isTrue();
        assertThat(r.compiled().version()).isEqualTo(3);
        assertThat(r.compiled().stage("activating").expectNextWithin()).hasHours(48);
    }

    @Test
    void namesAnUnknownStageInTheHappyPath() {
        var d = phone();
        d = new JourneyDefinition(d.id(), d.name(), d.stages(), List.of("purchased", "shipped"), d.exitOn(), d.signals());
        var problems = DefinitionValidator.journey(d, 1).problems();
        assertThat(problems).extracting(DefinitionProblem::field).containsExactly("happyPath[1]");
        assertThat(problems.get(0).message()).contains("unknown stage 'shipped'");
    }

    @Test
    void namesDuplicateStageAndSignalIds() {
        var d = phone();
        var stages = List.of(d.stages().get(0), d.stages().get(1), new Stage("purchased", new Trigger("X", null, null), null));
        var signals = List.of(d.signals().get(0), d.signals().get(0));
        assertThat(fields(new JourneyDefinition(d.id(), d.name(), stages, List.of(), d.exitOn(), signals)))
                .containsExactly("stages[2].id", "signals[1].id");
    }

    @Test
    void namesAConditionThatDoesNotCompile() {
        var d = phone();
        var stages = List
                .of(new Stage("purchased", new Trigger("Order Completed", null, "event.properties.category =="), null));
        var problems = DefinitionValidator.journey(new JourneyDefinition(d.id(), null, stages, List.of(), List.of(),
                List.of(new SignalDefinition("s", new Trigger(null, null, "unknownVar > 1"), null))), 1).problems();
        assertThat(problems).extracting(DefinitionProblem::field).containsExactly("stages[0].enterOn.when",
                "signals[0].setOn.when");
        assertThat(problems.get(1).message()).contains("does not compile").contains("unknownVar");
    }

    @Test
    void namesABadDuration() {
        var d = phone();
        var stages = List.of(new Stage("a", new Trigger("A", null, null), "48 hours"),
                new Stage("b", new Trigger("B", null, null), "-PT1H"));
        var problems = DefinitionValidator.journey(new JourneyDefinition("j", null, stages, List.of(), List.of(), List.of()), 1)
                .problems();
        assertThat(problems).extracting(DefinitionProblem::field).containsExactly("stages[0].expectNextWithin",
                "stages[1].expectNextWithin");
        assertThat(problems.get(0).message()).contains("ISO-8601");
    }

    @Test
    void requiresStagesTriggersAndIds() {
        assertThat(fields(new JourneyDefinition(null, null, null, null, null, null))).containsExactly("id", "stages");
        assertThat(fields(new JourneyDefinition("bad id!", null, List.of(new Stage("a", null, null)), null, null, null)))
                .containsExactly("id", "stages[0].enterOn");
    }

    @Test
    void validatesSegments() {
        assertThat(DefinitionValidator.segment(new SegmentDefinition("vip", "VIP", "profile.traits.tier == 'gold'")).ok())
                .isTrue();
        assertThat(DefinitionValidator.segment(new SegmentDefinition("vip", "VIP", "event.name == 'x'")).problems())
                .extracting(DefinitionProblem::field).containsExactly("when");
        assertThat(DefinitionValidator.segment(new SegmentDefinition("vip", "VIP", null)).problems())
                .extracting(DefinitionProblem::field).containsExactly("when");
    }
}
