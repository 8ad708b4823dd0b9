package io.happypath.decision.domain;

/** An action with its rules compiled, as the decision pipeline uses it. Null rules always hold. */
public record CompiledAction(Action action, Rule eligibility, Rule applicability, Rule suitability) {

    /**
     * Compiles the rules of an action.
     *
     * @throws RuleCompileException naming the first rule that does not compile
     */
    public static CompiledAction of(Action action) {
        return new CompiledAction(action, Rule.compileOptional("eligibility", action.eligibility()),
                Rule.compileOptional("applicability", action.applicability()),
                Rule.compileOptional("suitability", action.suitability()));
    }

    public String id() {
        return action.id();
    }
}
