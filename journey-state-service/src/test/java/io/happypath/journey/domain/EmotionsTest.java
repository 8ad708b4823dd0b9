package io.happypath.journey.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class EmotionsTest {

    static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

    static IncomingEvent event(String name, String channel, Instant at, Map<String, Object> properties) {
        return new IncomingEvent("e-" + name + at, "p1", "track", name, channel, at, properties, Map.of(), null);
    }

    static ProfileState apply(Emotions emotions, IncomingEvent... events) {
        ProfileState s = new ProfileState("p1");
        ProfileState.Touchpoint previous = null;
        for (IncomingEvent e : events) {
            emotions.apply(s, e, previous);
            previous = new ProfileState.Touchpoint(e.channel(), e.name(), e.at());
        }
        return s;
    }

    static Emotions.Settings with(java.util.function.UnaryOperator<Emotions.Settings> change) {
        return change.apply(Emotions.Settings.DEFAULTS);
    }

    @Test
    void theDocumentedDefaults() {
        Emotions emotions = new Emotions(Emotions.Settings.DEFAULTS);
        ProfileState failed = apply(emotions, event("Payment Failed", "web", T0, Map.of()));
        assertThat(failed.emotion).containsEntry(Emotions.FRUSTRATION, 0.25).containsEntry(Emotions.CONFIDENCE, 0.4)
                .containsEntry(Emotions.ANXIETY, 0.15).containsEntry(Emotions.DELIGHT, 0.0);
        ProfileState negative = apply(emotions, event("Survey Answered", "web", T0, Map.of("sentiment", "negative")));
        // s = -0.7: raise frustration 0.4·0.7, lower confidence 0.2·0.7, lower delight 0.3·0.7
        assertThat(negative.emotion).containsEntry(Emotions.FRUSTRATION, 0.28).containsEntry(Emotions.CONFIDENCE, 0.43);
        ProfileState promoter = apply(emotions, event("Survey Answered", "web", T0, Map.of("nps", 10)));
        assertThat(promoter.emotion).containsEntry(Emotions.DELIGHT, 0.4).containsEntry(Emotions.CONFIDENCE, 0.6);
        ProfileState passive = apply(emotions, event("Survey Answered", "web", T0, Map.of("nps", 8)));
        assertThat(passive.emotion).containsEntry(Emotions.DELIGHT, 0.0).containsEntry(Emotions.CONFIDENCE, 0.5);
    }

    @Test
    void overriddenWeightsChangeTheEffect() {
        Emotions.Settings heavy = new Emotions.Settings(Duration.ofHours(24), Emotions.Settings.DEFAULTS.negativeSentiment(),
                Emotions.Settings.DEFAULTS.positiveSentiment(), new Emotions.Moves(0.9, -0.5, 0, 0),
                Emotions.Settings.DEFAULTS.success(), Emotions.Settings.DEFAULTS.supportAfterFailure(),
                Emotions.Settings.DEFAULTS.repeat(), Emotions.Settings.DEFAULTS.channelSwitch(), Duration.ofMinutes(30),
                Duration.ofMinutes(10), Duration.ofMinutes(10), 0.7, 6, 9, List.of("oops"), List.of("completed"),
                List.of("support"), List.of("callcenter"));
        ProfileState s = apply(new Emotions(heavy), event("Oops Happened", "web", T0, Map.of()));
        assertThat(s.emotion).containsEntry(Emotions.FRUSTRATION, 0.9).containsEntry(Emotions.CONFIDENCE, 0.25)
                .containsEntry(Emotions.ANXIETY, 0.0);
        // "Payment Failed" is no failure under these words.
        assertThat(apply(new Emotions(heavy), event("Payment Failed", "web", T0, Map.of())).emotion)
                .containsEntry(Emotions.FRUSTRATION, 0.0);
    }

    @Test
    void overriddenThresholdsAndWindowsChangeTheEffect() {
        Emotions.Settings d = Emotions.Settings.DEFAULTS;
        Emotions.Settings strict = new Emotions.Settings(Duration.ofHours(1), d.negativeSentiment(), d.positiveSentiment(),
                d.failure(), d.success(), d.supportAfterFailure(), d.repeat(), d.channelSwitch(), Duration.ofMinutes(30),
                Duration.ofMinutes(1), Duration.ofMinutes(10), 0.7, 8, 10, d.failureWords(), d.successWords(),
                d.supportWords(), d.supportChannels());
        // NPS 7 is a passive by default and a detractor when detractors go up to 8.
        assertThat(apply(new Emotions(d), event("NPS", "web", T0, Map.of("nps", 7))).emotion)
                .containsEntry(Emotions.FRUSTRATION, 0.0);
        assertThat(apply(new Emotions(strict), event("NPS", "web", T0, Map.of("nps", 7))).emotion.get(Emotions.FRUSTRATION))
                .isGreaterThan(0.0);
        // A repeat 5 minutes later counts within 10 minutes, not within 1.
        IncomingEvent first = event("Checkout Started", "web", T0, Map.of());
        IncomingEvent again = event("Checkout Started", "web", T0.plusSeconds(300), Map.of());
        assertThat(apply(new Emotions(d), first, again).emotion.get(Emotions.FRUSTRATION)).isGreaterThan(0.09);
        assertThat(apply(new Emotions(strict), first, again).emotion.get(Emotions.FRUSTRATION)).isEqualTo(0.0);
        // A one-hour half-life halves a deviation in an hour.
        ProfileState s = apply(new Emotions(strict), event("Payment Failed", "web", T0, Map.of()));
        new Emotions(strict).decay(s, T0.plus(Duration.ofHours(1)));
        assertThat(s.emotion).containsEntry(Emotions.FRUSTRATION, 0.125);
    }

    @Test
    void invalidSettingsAreRefused() {
        Emotions.Settings d = Emotions.Settings.DEFAULTS;
        assertThatThrownBy(() -> new Emotions.Settings(Duration.ZERO, d.negativeSentiment(), d.positiveSentiment(),
                d.failure(), d.success(), d.supportAfterFailure(), d.repeat(), d.channelSwitch(), Duration.ofMinutes(30),
                Duration.ofMinutes(10), Duration.ofMinutes(10), 0.7, 6, 9, d.failureWords(), d.successWords(),
                d.supportWords(), d.supportChannels())).hasMessageContaining("half-life");
        assertThatThrownBy(() -> new Emotions.Settings(Duration.ofHours(1), d.negativeSentiment(), d.positiveSentiment(),
                new Emotions.Moves(1.5, 0, 0, 0), d.success(), d.supportAfterFailure(), d.repeat(), d.channelSwitch(),
                Duration.ofMinutes(30), Duration.ofMinutes(10), Duration.ofMinutes(10), 0.7, 6, 9, d.failureWords(),
                d.successWords(), d.supportWords(), d.supportChannels())).hasMessageContaining("-1..1");
        assertThatThrownBy(() -> new Emotions.Settings(Duration.ofHours(1), d.negativeSentiment(), d.positiveSentiment(),
                d.failure(), d.success(), d.supportAfterFailure(), d.repeat(), d.channelSwitch(), Duration.ofMinutes(30),
                Duration.ofMinutes(10), Duration.ofMinutes(10), 0.7, 9, 9, d.failureWords(), d.successWords(),
                d.supportWords(), d.supportChannels())).hasMessageContaining("NPS");
    }

    @Test
    void aMergeComposesBothSidesAsIfOneProfileHadFeltEverything() {
        Emotions emotions = new Emotions(Emotions.Settings.DEFAULTS);
        IncomingEvent failed = event("Activation Failed", "app", T0, Map.of());
        IncomingEvent call = event("Support Call Ended", "callcenter", T0.plus(Duration.ofHours(2)),
                Map.of("sentiment", "very negative"));
        ProfileState one = apply(emotions, failed, call);
        ProfileState left = apply(emotions, failed);
        emotions.decay(left, call.at());
        ProfileState right = apply(emotions, call);

        for (String dim : List.of(Emotions.FRUSTRATION, Emotions.CONFIDENCE, Emotions.DELIGHT, Emotions.ANXIETY)) {
            assertThat(Emotions.mergeValue(dim, left.emotion.get(dim), right.emotion.get(dim))).as(dim)
                    .isCloseTo(one.emotion.get(dim), org.assertj.core.data.Offset.offset(1e-3));
        }
    }

    @Test
    void mergedValuesStayWithinRangeAndNeutralChangesNothing() {
        assertThat(Emotions.mergeValue(Emotions.FRUSTRATION, 0.6, 0.0)).isEqualTo(0.6);
        assertThat(Emotions.mergeValue(Emotions.FRUSTRATION, 0.5, 0.5)).isEqualTo(0.75);
        assertThat(Emotions.mergeValue(Emotions.FRUSTRATION, 1.0, 0.3)).isEqualTo(1.0);
        assertThat(Emotions.mergeValue(Emotions.CONFIDENCE, 0.5, 0.2)).isEqualTo(0.2);
        assertThat(Emotions.mergeValue(Emotions.CONFIDENCE, 0.25, 0.25)).isEqualTo(0.125);
        assertThat(Emotions.mergeValue(Emotions.CONFIDENCE, 0.75, 0.75)).isEqualTo(0.875);
        assertThat(Emotions.mergeValue(Emotions.CONFIDENCE, 0.8, 0.3)).isCloseTo(0.6,
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Emotions.mergeValue(Emotions.CONFIDENCE, 0.0, 0.1)).isEqualTo(0.0);
    }
}
