package io.happypath.journey.domain;

/** One thing wrong with a definition: the JSON path of the field and what is wrong with it. */
public record DefinitionProblem(String field, String message) {
}
