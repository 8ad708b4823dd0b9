package io.happypath.contracts.decision;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The experiment variant a profile was assigned to for a decision, in {@link DecisionMade#experiment()}.
 *
 * @param id the experiment id
 * @param variant the variant, e.g. {@code control}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExperimentAssignment(String id, String variant) {

    public ExperimentAssignment {
        Objects.requireNonNull(id, "id is required");
        Objects.requireNonNull(variant, "variant is required");
    }
}
