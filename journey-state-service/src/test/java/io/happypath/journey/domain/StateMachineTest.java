package io.happypath.journey.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.happypath.contracts.CloudEventTypes;
import io.happypath.contracts.journey.StageEntered;

class StateMachineTest {

    static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    final StateMachine machine = new StateMachine(5, 3, 8, new Emotions(Duration.ofHours(24)));
    final CompiledJourney phone = DefinitionValidator.journey(DefinitionValidatorTest.phone(), 1).compiled();
    final CompiledSegment atRisk = DefinitionValidator
            .segment(new SegmentDefinition("at-risk", null,
                    "state.emotion.frustration > 0.2 && has(state.signals.openServiceIssue)"))
            .compiled();

    static IncomingEvent event(String id, String name, String channel, Instant at, Map<String, Object> properties) {
        return new IncomingEvent(id, "p1", "track", name, channel, at, properties, Map.of(), "m-" + id);
    }

    List<Emitted> apply(ProfileState s, IncomingEvent e) {
        return machine.apply(s, e, List.of(phone), List.of(atRisk), e.at());
    }

    @Test
    void thePhoneStory() {
        ProfileState s = new ProfileState("p1");
        var out1 = apply(s, event("e1", "Order Completed", "store", T0, Map.of("category", "phone")));
        assertThat(out1).extracting(Emitted::type).containsExactly(CloudEventTypes.STAGE_ENTERED);
        var out2 = apply(s, event("e2", "Activation Started", "app", T0.plusSeconds(3600), Map.of()));
        assertThat(((StageEntered) out2.get(0).data()).previousStage()).isEqualTo("purchased");
        var out3 = apply(s, event("e3", "Support Ticket Opened", "callcenter", T0.plusSeconds(7200),
                Map.of("sentiment", "negative")));

        var js = s.journeys.get("phone");
        assertThat(js.stage).isEqualTo("activating");
        assertThat(js.status).isEqualTo(ProfileState.ACTIVE);
        assertThat(js.onHappyPath).isTrue();
        assertThat(js.stallDueAt).isEqualTo(T0.plusSeconds(3600).plus(Duration.ofHours(48)));
        assertThat(js.history).extracting(ProfileState.HistoryEntry::stage).containsExactly("purchased", "activating");
        assertThat(s.signals).containsKey("openServiceIssue");
        assertThat(s.emotion.get(Emotions.FRUSTRATION)).isGreaterThan(0.0);
        assertThat(s.segments).containsExactly("at-risk");
        assertThat(out3).extracting(Emitted::type).containsExactly(CloudEventTypes.SIGNAL_CHANGED,
                CloudEventTypes.SEGMENT_CHANGED);
    }

    @Test
    void lateEventsNeverMoveTheStageBackwards() {
        ProfileState s = new ProfileState("p1");
        apply(s, event("e1", "Order Completed", "store", T0, Map.of("category", "phone")));
        apply(s, event("e2", "Activation Started", "app", T0.plusSeconds(60), Map.of()));
        var out = apply(s, event("e0", "Order Completed", "web", T0.minusSeconds(60), Map.of("category", "phone")));
        assertThat(out).isEmpty();
        assertThat(s.journeys.get("phone").stage).isEqualTo("activating");
    }

    @Test
    void aReplayAtTheInstantOfTheCurrentEntryNeverMovesBackwards() {
        ProfileState s = new ProfileState("p1");
        apply(s, event("e1", "Order Completed", "store", T0, Map.of("category", "phone")));
        apply(s, event("e2", "Activation Started", "app", T0, Map.of())); // same instant, forwards: believable
        assertThat(s.journeys.get("phone").stage).isEqualTo("activating");
        var out = apply(s, event("e1-again", "Order Completed", "store", T0, Map.of("category", "phone")));
        assertThat(out).isEmpty();
        assertThat(s.journeys.get("phone").stage).isEqualTo("activating");
    }

    @Test
    void anEventThatMadeAnEntryNeverMakesAnotherOne() {
        ProfileState s = new ProfileState("p1");
        apply(s, event("e1", "Order Completed", "store", T0, Map.of("category", "phone")));
        apply(s, event("e2", "Activation Started", "app", T0.plusSeconds(60), Map.of()));
        apply(s, event("e3", "Order Completed", "store", T0.plusSeconds(120), Map.of("category", "phone")));
        assertThat(s.journeys.get("phone").stage).isEqualTo("purchased");
        // e2 again, although newer than nothing it should beat: it already entered 'activating' once.
        var out = apply(s, event("e2", "Activation Started", "app", T0.plusSeconds(180), Map.of()));
        assertThat(out).extracting(Emitted::type).doesNotContain(CloudEventTypes.STAGE_ENTERED);
        assertThat(s.journeys.get("phone").stage).isEqualTo("purchased");
    }

    @Test
    void segmentChangeIdsDifferPerProfileForTheSameCause() {
        ProfileState a = new ProfileState("a");
        ProfileState b = new ProfileState("b");
        CompiledSegment everyone = DefinitionValidator.segment(new SegmentDefinition("everyone", null, "true")).compiled();
        var outA = new java.util.ArrayList<Emitted>();
        var outB = new java.util.ArrayList<Emitted>();
        machine.evaluateSegments(a, List.of(everyone), "backfill-1", T0, outA);
        machine.evaluateSegments(b, List.of(everyone), "backfill-1", T0, outB);
        assertThat(outA).hasSize(1);
        assertThat(outB).hasSize(1);
        assertThat(outA.get(0).id()).isNotEqualTo(outB.get(0).id());
    }

    @Test
    void skippingAStageLeavesTheHappyPathAndTheLastStageCompletes() {
        ProfileState s = new ProfileState("p1");
        apply(s, event("e1", "Order Completed", "store", T0, Map.of("category", "phone")));
        var out = apply(s, event("e2", "Activation Completed", "app", T0.plusSeconds(60), Map.of()));
        assertThat(out).extracting(Emitted::type).containsExactly(CloudEventTypes.STAGE_ENTERED,
                CloudEventTypes.JOURNEY_COMPLETED);
        assertThat(s.journeys.get("phone").onHappyPath).isFalse();
        assertThat(s.journeys.get("phone").status).isEqualTo(ProfileState.COMPLETED);
    }

    @Test
    void exitAndStall() {
        ProfileState s = new ProfileState("p1");
        apply(s, event("e1", "Order Completed", "store", T0, Map.of("category", "phone")));
        apply(s, event("e2", "Activation Started", "app", T0.plusSeconds(60), Map.of()));
        var js = s.journeys.get("phone");
        var stalled = machine.stall(s, "phone", "activating", js.enteredAt, List.of(), T0.plusSeconds(999999));
        assertThat(stalled).extracting(Emitted::type).containsExactly(CloudEventTypes.JOURNEY_STALLED);
        assertThat(machine.stall(s, "phone", "activating", js.enteredAt, List.of(), T0)).isEmpty();
        var exit = apply(s, event("e3", "Order Refunded", "web", T0.plusSeconds(1000000), Map.of()));
        assertThat(exit).extracting(Emitted::type).containsExactly(CloudEventTypes.JOURNEY_EXITED);
        assertThat(Counters.contributions(s)).containsEntry(new Counters.Key("journey:phone", "status:exited"), 1L)
                .doesNotContainKey(new Counters.Key("journey:phone", "stage:activating"));
    }

    @Test
    void mergeTakesTheFurthestStageAndUnitesSignals() {
        ProfileState a = new ProfileState("a");
        machine.apply(a, event("e1", "Order Completed", "store", T0, Map.of("category", "phone")), List.of(phone), List.of(),
                T0);
        ProfileState b = new ProfileState("b");
        machine.apply(b, event("e2", "Order Completed", "store", T0.plusSeconds(10), Map.of("category", "phone")),
                List.of(phone), List.of(), T0);
        machine.apply(b, event("e3", "Activation Started", "app", T0.plusSeconds(20), Map.of()), List.of(phone), List.of(), T0);
        machine.apply(b, event("e4", "Support Ticket Opened", "callcenter", T0.plusSeconds(30), Map.of()), List.of(phone),
                List.of(), T0);
        machine.merge(a, List.of(b), Map.of("phone", phone), List.of(), "merge-1", T0.plusSeconds(40));
        assertThat(a.journeys.get("phone").stage).isEqualTo("activating");
        assertThat(a.journeys.get("phone").history).extracting(ProfileState.HistoryEntry::at).isSorted().hasSize(3);
        assertThat(a.signals).containsKey("openServiceIssue");
    }

    @Test
    void emotionDecaysTowardsNeutral() {
        Emotions emotions = new Emotions(Duration.ofHours(1));
        ProfileState s = new ProfileState("p1");
        Emotions.initialise(s, T0);
        s.emotion.put(Emotions.FRUSTRATION, 0.8);
        emotions.decay(s, T0.plus(Duration.ofHours(1)));
        assertThat(s.emotion.get(Emotions.FRUSTRATION)).isEqualTo(0.4);
        emotions.decay(s, T0); // never backwards
        assertThat(s.emotion.get(Emotions.FRUSTRATION)).isEqualTo(0.4);
    }

    @Test
    void implicitSignalsRaiseFrustration() {
        ProfileState s = new ProfileState("p1");
        apply(s, event("e1", "Activation Failed", "app", T0, Map.of()));
        double afterFailure = s.emotion.get(Emotions.FRUSTRATION);
        apply(s, event("e2", "Support Call Started", "callcenter", T0.plusSeconds(120), Map.of()));
        assertThat(afterFailure).isGreaterThan(0.2);
        assertThat(s.emotion.get(Emotions.FRUSTRATION)).isGreaterThan(afterFailure);
        assertThat(s.lastTouchpoints).extracting(ProfileState.Touchpoint::channel).containsExactly("callcenter", "app");
    }
}
