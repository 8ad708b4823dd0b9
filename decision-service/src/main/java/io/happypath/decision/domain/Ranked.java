package io.happypath.decision.domain;

/**
 * A candidate after arbitration.
 *
 * @param priority P × C × V × L
 * @param propensity P, as used in arbitration
 * @param contextWeight C
 * @param lever L
 */
public record Ranked(Action action, double priority, double propensity, double contextWeight, double lever) {
}
