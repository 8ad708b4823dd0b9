package io.happypath.journey.config;

import io.happypath.journey.domain.Emotions;

/** Turns {@code happypath.journey.emotion.*} into the domain's {@link Emotions.Settings}. */
public final class EmotionRules {

    private EmotionRules() {
    }

    /** The configured rules; an invalid combination (weights outside -1..1, NPS thresholds crossed) fails at start. */
    public static Emotions.Settings settings(JourneyConfig.Emotion e) {
        return new Emotions.Settings(e.halfLife(),
                new Emotions.Moves(e.negativeSentiment().frustration(), e.negativeSentiment().confidence(),
                        e.negativeSentiment().delight(), e.negativeSentiment().anxiety()),
                new Emotions.Moves(e.positiveSentiment().frustration(), e.positiveSentiment().confidence(),
                        e.positiveSentiment().delight(), e.positiveSentiment().anxiety()),
                new Emotions.Moves(e.failure().frustration(), e.failure().confidence(), e.failure().delight(),
                        e.failure().anxiety()),
                new Emotions.Moves(e.success().frustration(), e.success().confidence(), e.success().delight(),
                        e.success().anxiety()),
                new Emotions.Moves(e.supportAfterFailure().frustration(), e.supportAfterFailure().confidence(),
                        e.supportAfterFailure().delight(), e.supportAfterFailure().anxiety()),
                new Emotions.Moves(e.repeat().frustration(), e.repeat().confidence(), e.repeat().delight(),
                        e.repeat().anxiety()),
                new Emotions.Moves(e.channelSwitch().frustration(), e.channelSwitch().confidence(),
                        e.channelSwitch().delight(), e.channelSwitch().anxiety()),
                e.supportAfterFailureWindow(), e.repeatWindow(), e.channelSwitchWindow(), e.sentimentWordStrength(),
                e.npsDetractorMax(), e.npsPromoterMin(), e.failureWords(), e.successWords(), e.supportWords(),
                e.supportChannels());
    }
}
