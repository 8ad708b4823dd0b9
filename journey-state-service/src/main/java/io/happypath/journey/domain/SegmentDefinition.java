package io.happypath.journey.domain;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** A live audience: a named CEL condition over {@code profile} and {@code state} (API.md). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SegmentDefinition(String id, String name, String when) {

    public SegmentDefinition withId(String newId) {
        return new SegmentDefinition(newId, name, when);
    }
}
