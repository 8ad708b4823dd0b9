package io.happypath.journey.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.happypath.journey.domain.Emotions;
import io.happypath.journey.domain.IncomingEvent;
import io.happypath.journey.domain.ProfileState;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** {@code happypath.journey.emotion.*} reaches the rules: defaults as documented, overrides take effect. */
class EmotionRulesTest {

    static Emotions.Settings configured(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(JourneyConfig.class)
                .withSources(new PropertiesConfigSource(properties, "test", 500)).build();
        return EmotionRules.settings(config.getConfigMapping(JourneyConfig.class).emotion());
    }

    static double frustrationAfter(Emotions.Settings settings, String event, Map<String, Object> properties) {
        ProfileState s = new ProfileState("p");
        new Emotions(settings).apply(s, new IncomingEvent("e", "p", "track", event, "web",
                Instant.parse("2026-01-01T10:00:00Z"), properties, Map.of(), null), null);
        return s.emotion.get(Emotions.FRUSTRATION);
    }

    @Test
    void defaultsAreTheDocumentedRules() {
        assertThat(configured(Map.of())).isEqualTo(Emotions.Settings.DEFAULTS);
    }

    @Test
    void overridesChangeTheEffect() {
        Emotions.Settings settings = configured(Map.of(
                "happypath.journey.emotion.failure.frustration", "0.8",
                "happypath.journey.emotion.negative-sentiment.frustration", "0",
                "happypath.journey.emotion.failure-words", "oops,broken",
                "happypath.journey.emotion.half-life", "PT2H",
                "happypath.journey.emotion.nps-detractor-max", "4"));
        assertThat(settings.halfLife()).isEqualTo(Duration.ofHours(2));
        assertThat(settings.npsDetractorMax()).isEqualTo(4);
        assertThat(frustrationAfter(Emotions.Settings.DEFAULTS, "Phone Broken", Map.of())).isEqualTo(0.0);
        assertThat(frustrationAfter(settings, "Phone Broken", Map.of())).isEqualTo(0.8);
        assertThat(frustrationAfter(Emotions.Settings.DEFAULTS, "Survey", Map.of("sentiment", -1))).isEqualTo(0.4);
        assertThat(frustrationAfter(settings, "Survey", Map.of("sentiment", -1))).isEqualTo(0.0);
    }
}
