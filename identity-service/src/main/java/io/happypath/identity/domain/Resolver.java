package io.happypath.identity.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.happypath.contracts.identity.Identifier;

/**
 * Segment Unify's deterministic resolution loop (ALGORITHMS.md, "Identity resolution"):
 *
 * <pre>
 * ids = extract(event) - blocked
 * loop:
 *   P = profiles matching any id
 *   if P is empty: new profile with ids
 *   if P's identifiers plus ids respect every limit: add to the one profile, or merge all of P into the oldest
 *   else drop the lowest-priority id from ids (it stays a plain event field) and repeat
 * </pre>
 *
 * Pure: the caller loads the profiles that hold any of the event's identifiers and applies the result.
 */
public final class Resolver {

    private final IdentityRules rules;

    public Resolver(IdentityRules rules) {
        this.rules = rules;
    }

    /**
     * @param ids the event's identifiers, blocked values already removed, in extraction order
     * @param owners the profile holding each identifier of {@code ids} that is already known
     * @param profiles every profile named in {@code owners}
     * @param now the time the limit windows are measured from
     */
    public Resolution resolve(List<Identifier> ids, Map<Identifier, String> owners, Map<String, ProfileView> profiles,
            Instant now) {
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("an event without identifiers cannot be resolved");
        }
        List<Identifier> candidates = new ArrayList<>(new LinkedHashSet<>(ids));
        List<Identifier> dropped = new ArrayList<>();
        while (true) {
            Map<String, List<Identifier>> matchedBy = new LinkedHashMap<>();
            for (Identifier id : candidates) {
                String owner = owners.get(id);
                if (owner != null) {
                    matchedBy.computeIfAbsent(owner, k -> new ArrayList<>()).add(id);
                }
            }
            List<ProfileView> matched = matchedBy.keySet().stream().map(profiles::get)
                    .sorted(Comparator.comparing(ProfileView::createdAt).thenComparing(ProfileView::profileId))
                    .toList();
            // A single identifier always fits: it matches nothing or the one profile that already holds it.
            if (candidates.size() == 1 || withinLimits(matched, candidates, now)) {
                List<Identifier> fresh = candidates.stream().filter(id -> !owners.containsKey(id)).toList();
                if (matched.isEmpty()) {
                    return new Resolution(null, List.of(), candidates, fresh, dropped, Resolution.NEW_PROFILE);
                }
                String survivor = matched.get(0).profileId();
                List<String> merged = matched.stream().skip(1).map(ProfileView::profileId).toList();
                Set<String> types = new TreeSet<>();
                matchedBy.values().forEach(list -> list.forEach(id -> types.add(id.type())));
                return new Resolution(survivor, merged, candidates, fresh, dropped, "match:" + String.join(",", types));
            }
            Identifier lowest = lowestPriority(candidates);
            candidates.remove(lowest);
            dropped.add(lowest);
        }
    }

    private boolean withinLimits(List<ProfileView> matched, List<Identifier> candidates, Instant now) {
        Map<Identifier, Instant> union = new HashMap<>();
        for (ProfileView p : matched) {
            for (StoredIdentifier s : p.identifiers()) {
                union.merge(s.identifier(), s.lastSeen(), (a, b) -> a.isAfter(b) ? a : b);
            }
        }
        candidates.forEach(id -> union.put(id, now));
        Map<String, Integer> counts = new HashMap<>();
        union.forEach((id, lastSeen) -> {
            if (rules.limit(id.type()).window().counts(lastSeen, now)) {
                counts.merge(id.type(), 1, Integer::sum);
            }
        });
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            // A merge may break any limit; a single profile only by what the event brings (an existing excess,
            // e.g. after a configuration change, must not stop it from taking new identifiers of other types).
            boolean brought = matched.size() > 1 || candidates.stream().anyMatch(id -> id.type().equals(e.getKey()));
            if (brought && e.getValue() > rules.limit(e.getKey()).max()) {
                return false;
            }
        }
        return true;
    }

    /** The least important identifier: highest priority number; among equals, the one extracted last. */
    private Identifier lowestPriority(List<Identifier> candidates) {
        Identifier lowest = null;
        for (Identifier id : candidates) {
            if (lowest == null || rules.priority(id.type()) >= rules.priority(lowest.type())) {
                lowest = id;
            }
        }
        return lowest;
    }
}
