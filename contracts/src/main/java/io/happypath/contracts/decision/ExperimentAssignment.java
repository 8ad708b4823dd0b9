package io.happypath.contracts.decision;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The experiment variant a profile was assigned to for a decision, in {@link DecisionMade#experiment()}.
 *
 * @param id the experiment id
 * @param variant the variant, e.g. {@code control}
 * @param share the variant's configured share of the experiment's profiles (0..1), so that readers can check the
 *        observed split against it (sample-ratio mismatch); null when the producer does not say
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExperimentAssignment(String id, String variant, Double share) {

    public ExperimentAssignment {
        Objects.requireNonNull(id, "id is required");
        Objects.requireNonNull(variant, "variant is required");
        if (share != null && !(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("share must be within 0..1, was " + share);
        }
    }
}
