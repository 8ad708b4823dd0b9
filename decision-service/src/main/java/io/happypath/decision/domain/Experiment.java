package io.happypath.decision.domain;

import java.util.List;

/**
 * An experiment: profiles are assigned to variants by a deterministic hash of experiment id and profile id.
 *
 * @param channels the channels the experiment runs on; all when empty
 * @param placements the placements the experiment runs on; all when empty
 * @param variants with relative weights; a variant with {@code propensity = "random"} is a model control group
 */
public record Experiment(String id, String name, List<String> channels, List<String> placements,
        List<Variant> variants, Boolean active) {

    public Experiment {
        channels = channels == null ? List.of() : List.copyOf(channels);
        placements = placements == null ? List.of() : List.copyOf(placements);
        variants = variants == null ? List.of() : List.copyOf(variants);
        active = active == null ? Boolean.TRUE : active;
    }

    public Experiment withId(String newId) {
        return new Experiment(newId, name, channels, placements, variants, active);
    }

    public boolean runsOn(String channel, String placement) {
        return active && (channels.isEmpty() || channels.contains(channel))
                && (placements.isEmpty() || placements.contains(placement));
    }

    /** The variant of a profile: stable for the same experiment and profile. */
    public Variant assign(String profileKey) {
        double total = variants.stream().mapToDouble(Variant::weight).sum();
        double point = Hashing.toProportion(id + ":" + profileKey) * total;
        double cumulative = 0;
        for (Variant v : variants) {
            cumulative += v.weight();
            if (point < cumulative) {
                return v;
            }
        }
        return variants.get(variants.size() - 1);
    }

    /** A variant's share of the experiment's profiles (0..1): its weight over the sum of all weights. */
    public double share(Variant v) {
        double total = variants.stream().mapToDouble(Variant::weight).sum();
        return total > 0 ? v.weight() / total : 0;
    }

    /**
     * @param weight the relative share of profiles
     * @param propensity {@code model} (learned, the default) or {@code random} (control group)
     */
    public record Variant(String id, double weight, String propensity) {

        public boolean randomPropensity() {
            return "random".equals(propensity);
        }
    }
}
