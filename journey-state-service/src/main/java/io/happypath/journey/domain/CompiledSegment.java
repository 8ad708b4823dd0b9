package io.happypath.journey.domain;

/** A segment with its condition compiled once. */
public record CompiledSegment(SegmentDefinition definition, Conditions.Condition when) {

    public String id() {
        return definition.id();
    }
}
