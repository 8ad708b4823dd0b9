package io.happypath.identity.config;

import io.happypath.contracts.identity.Identifier;
import io.happypath.contracts.identity.IdentifiersLinked;
import io.happypath.contracts.identity.MergeUndone;
import io.happypath.contracts.identity.ProfileCreated;
import io.happypath.contracts.identity.ProfileErased;
import io.happypath.contracts.identity.ProfileMerged;
import io.happypath.contracts.segment.SegmentMessage;
import io.happypath.contracts.segment.SegmentMessageDeserializer;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Types serialised by our own ObjectMapper calls (not REST signatures), registered for native images. */
@RegisterForReflection(targets = {Identifier.class, IdentifiersLinked.class, MergeUndone.class, ProfileCreated.class,
        ProfileErased.class, ProfileMerged.class, SegmentMessage.class, SegmentMessageDeserializer.class})
public final class ReflectionConfig {

    private ReflectionConfig() {
    }
}
