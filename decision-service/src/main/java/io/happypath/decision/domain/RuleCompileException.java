package io.happypath.decision.domain;

/** A CEL rule that does not compile; the message names the rule and the compiler's complaint. */
public class RuleCompileException extends RuntimeException {

    private final String rule;

    public RuleCompileException(String rule, String message) {
        super("rule '" + rule + "' does not compile: " + message);
        this.rule = rule;
    }

    /** The rule's name, e.g. {@code eligibility}. */
    public String rule() {
        return rule;
    }
}
