package io.happypath.decision.domain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The contact-policy checks a decision needs (ALGORITHMS.md, next-best-action step 3): one per distinct policy and
 * counter, shared by every candidate that falls in it, so that the service asks Redis once per check.
 */
public final class PolicyPlan {

    /** One question for the contact history: has {@code policy} been reached on {@code counter}? */
    public record Check(ContactPolicy policy, String counter) {
    }

    private final List<Check> checks;
    private final Map<String, List<Check>> checksByAction;

    private PolicyPlan(List<Check> checks, Map<String, List<Check>> checksByAction) {
        this.checks = checks;
        this.checksByAction = checksByAction;
    }

    /** The checks for the candidates that passed rules and guards. */
    public static PolicyPlan of(List<CompiledAction> candidates, List<ContactPolicy> policies, String channel) {
        Map<Check, Check> distinct = new LinkedHashMap<>();
        Map<String, List<Check>> byAction = new HashMap<>();
        for (CompiledAction ca : candidates) {
            for (ContactPolicy p : policies) {
                if (!p.appliesTo(ca.action(), channel)) {
                    continue;
                }
                Check check = distinct.computeIfAbsent(new Check(p, p.counter(ca.action(), channel)), c -> c);
                byAction.computeIfAbsent(ca.id(), k -> new ArrayList<>()).add(check);
            }
        }
        return new PolicyPlan(List.copyOf(distinct.keySet()), byAction);
    }

    public List<Check> checks() {
        return checks;
    }

    /** The reason each excluded candidate is left out: the first of its checks that {@code reached} holds for. */
    public Map<String, String> blocked(Predicate<Check> reached) {
        Map<String, String> blocked = new HashMap<>();
        checksByAction.forEach((action, list) -> list.stream().filter(reached).findFirst()
                .ifPresent(c -> blocked.put(action, c.policy().reason())));
        return blocked;
    }
}
