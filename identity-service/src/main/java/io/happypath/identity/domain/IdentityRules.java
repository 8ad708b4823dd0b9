package io.happypath.identity.domain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.happypath.contracts.identity.Identifier;

/**
 * The identity rules of ALGORITHMS.md ("Identity resolution"): blocked values, a limit per identifier type with a
 * window, and priorities (a lower number is more important; the least important identifier is dropped first when
 * a match would break a limit).
 *
 * @param blockedValues values that never become identifiers, compared case-insensitively after trimming
 * @param blockedPatterns regular expressions; a value matching one entirely never becomes an identifier
 * @param limits limit per identifier type
 * @param defaultLimit the limit of a type without its own
 * @param priorities priority per identifier type (1 is the most important)
 * @param defaultPriority the priority of a type without its own
 */
public record IdentityRules(
        Set<String> blockedValues,
        List<Pattern> blockedPatterns,
        Map<String, Limit> limits,
        Limit defaultLimit,
        Map<String, Integer> priorities,
        int defaultPriority) {

    public IdentityRules {
        Set<String> lower = new HashSet<>();
        blockedValues.forEach(v -> lower.add(v.trim().toLowerCase(Locale.ROOT)));
        blockedValues = Set.copyOf(lower);
        blockedPatterns = List.copyOf(blockedPatterns);
        limits = Map.copyOf(limits);
        priorities = Map.copyOf(priorities);
    }

    /** Segment's documented defaults: user_id 1 ever; rotating anonymous ids 5 monthly; e-mails, phones, devices 5 annually. */
    public static IdentityRules defaults() {
        return new IdentityRules(
                Set.of("null", "undefined", "anonymous", "-1", "none", "nil", "n/a", "unknown", "test@test.com",
                        "test@example.com"),
                List.of(Pattern.compile("^[0-]*$")),
                Map.of(Identifier.USER_ID, new Limit(1, Window.EVER),
                        Identifier.ANONYMOUS_ID, new Limit(5, Window.MONTHLY),
                        Identifier.EMAIL, new Limit(5, Window.ANNUALLY),
                        Identifier.PHONE, new Limit(5, Window.ANNUALLY),
                        Identifier.DEVICE_ID, new Limit(5, Window.ANNUALLY)),
                new Limit(5, Window.EVER),
                Map.of(Identifier.USER_ID, 1, Identifier.EMAIL, 2),
                100);
    }

    /** Builds rules from configuration text: limits as {@code <max>[/<window>]}, patterns as regular expressions. */
    public static IdentityRules of(Set<String> blockedValues, List<String> blockedPatterns, Map<String, String> limits,
            String defaultLimit, Map<String, Integer> priorities, int defaultPriority) {
        List<Pattern> patterns = new ArrayList<>();
        blockedPatterns.stream().filter(p -> !p.isBlank()).forEach(p -> patterns.add(Pattern.compile(p)));
        Map<String, Limit> parsed = new HashMap<>();
        limits.forEach((type, limit) -> parsed.put(type, Limit.parse(limit)));
        return new IdentityRules(blockedValues, patterns, parsed, Limit.parse(defaultLimit), priorities, defaultPriority);
    }

    public boolean isBlocked(String value) {
        String v = value.trim();
        if (v.isEmpty() || blockedValues.contains(v.toLowerCase(Locale.ROOT))) {
            return true;
        }
        for (Pattern p : blockedPatterns) {
            if (p.matcher(v).matches()) {
                return true;
            }
        }
        return false;
    }

    public Limit limit(String type) {
        return limits.getOrDefault(type, defaultLimit);
    }

    public int priority(String type) {
        return priorities.getOrDefault(type, defaultPriority);
    }
}
