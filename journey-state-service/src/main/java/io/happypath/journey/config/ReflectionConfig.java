package io.happypath.journey.config;

import io.happypath.journey.domain.Emitted;
import io.happypath.journey.domain.JourneyDefinition;
import io.happypath.journey.domain.ProfileState;
import io.happypath.journey.domain.SegmentDefinition;
import io.happypath.journey.messaging.JourneyPublisher;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Types Jackson reads and writes outside REST signatures (Redis state, stored definitions), for native images. */
@RegisterForReflection(targets = {ProfileState.class, ProfileState.JourneyState.class, ProfileState.HistoryEntry.class,
        ProfileState.SignalState.class, ProfileState.Touchpoint.class, ProfileState.Watermark.class, JourneyDefinition.class,
        JourneyDefinition.Stage.class,
        JourneyDefinition.Trigger.class, JourneyDefinition.SignalDefinition.class, SegmentDefinition.class, Emitted.class,
        JourneyPublisher.Outgoing.class, io.happypath.contracts.journey.StageEntered.class,
        io.happypath.contracts.journey.JourneyCompleted.class, io.happypath.contracts.journey.JourneyExited.class,
        io.happypath.contracts.journey.JourneyStalled.class, io.happypath.contracts.journey.SignalChanged.class,
        io.happypath.contracts.journey.SegmentChanged.class, io.happypath.contracts.identity.ProfileMerged.class,
        io.happypath.contracts.identity.ProfileErased.class})
public final class ReflectionConfig {

    private ReflectionConfig() {
    }
}
