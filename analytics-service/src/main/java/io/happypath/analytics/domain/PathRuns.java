package io.happypath.analytics.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.ObjIntConsumer;

/**
 * A profile's path: its steps (track, page and screen events) in {@code (ts, eventId)} order, collapsed into runs of
 * consecutive steps with the same channel and event; each run keeps the time of its first step. Coarser labels
 * ({@link Label#CHANNEL}, {@link Label#EVENT}) collapse these runs further, which gives the same result as collapsing
 * the steps themselves.
 *
 * @param channels the channel of each run
 * @param events the event of each run
 * @param at the time of each run's first step
 */
public record PathRuns(List<String> channels, List<String> events, List<Instant> at) {

    /** A path without steps. */
    public static final PathRuns EMPTY = new PathRuns(List.of(), List.of(), List.of());

    /** The order of steps in a path (event ids compared as Java strings, i.e. PostgreSQL's {@code COLLATE "C"}). */
    public static final Comparator<Step> ORDER = Comparator.comparing(Step::ts).thenComparing(Step::eventId);

    public PathRuns {
        channels = List.copyOf(channels);
        events = List.copyOf(events);
        at = List.copyOf(at);
        if (channels.size() != events.size() || events.size() != at.size()) {
            throw new IllegalArgumentException("channels, events and times of runs differ in length");
        }
    }

    /** A step of a path. */
    public record Step(String eventId, Instant ts, String channel, String event) {

        public Step {
            Objects.requireNonNull(eventId);
            Objects.requireNonNull(ts);
            Objects.requireNonNull(channel);
            Objects.requireNonNull(event);
        }
    }

    /** A labelled step of the collapsed path, with the time of its first event. */
    public record Labelled(String label, Instant at) {
    }

    /** The path of {@code steps}, which must be in {@link #ORDER}. */
    public static PathRuns of(List<Step> steps) {
        return EMPTY.append(steps);
    }

    /** This path followed by {@code steps}, which must be in {@link #ORDER} and come after this path's last step. */
    public PathRuns append(List<Step> steps) {
        if (steps.isEmpty()) {
            return this;
        }
        List<String> c = new ArrayList<>(channels);
        List<String> e = new ArrayList<>(events);
        List<Instant> t = new ArrayList<>(at);
        for (Step s : steps) {
            int last = c.size() - 1;
            if (last >= 0 && c.get(last).equals(s.channel()) && e.get(last).equals(s.event())) {
                continue;
            }
            c.add(s.channel());
            e.add(s.event());
            t.add(s.ts());
        }
        return new PathRuns(c, e, t);
    }

    public int size() {
        return channels.size();
    }

    public boolean isEmpty() {
        return channels.isEmpty();
    }

    /** The time of the first step, or null for an empty path. */
    public Instant startAt() {
        return isEmpty() ? null : at.get(0);
    }

    /** The channel of the first step, or null for an empty path. */
    public String firstChannel() {
        return isEmpty() ? null : channels.get(0);
    }

    /** The path labelled by {@code kind}, consecutive equal labels collapsed, each with the time it was reached. */
    public List<Labelled> labelled(Label kind) {
        return labelled(kind, Integer.MAX_VALUE);
    }

    /** The first {@code limit} steps of {@link #labelled(Label)}. */
    public List<Labelled> labelled(Label kind, int limit) {
        List<Labelled> out = new ArrayList<>();
        collapse(channels, events, kind, limit, (label, run) -> out.add(new Labelled(label, at.get(run))));
        return out;
    }

    /**
     * A path's runs without their times, as stored: all that the Sankey of paths counted from their start needs.
     *
     * @param channels the channel of each run
     * @param events the event of each run
     */
    public record Names(List<String> channels, List<String> events) {

        /** The first {@code limit} labels of the path, as {@link PathRuns#labelled(Label, int)} gives them. */
        public List<String> labels(Label kind, int limit) {
            List<String> out = new ArrayList<>();
            collapse(channels, events, kind, limit, (label, run) -> out.add(label));
            return out;
        }
    }

    /** Calls {@code each} with the label and the index of the first run of each of the first {@code limit} labels. */
    private static void collapse(List<String> channels, List<String> events, Label kind, int limit,
            ObjIntConsumer<String> each) {
        String previous = null;
        int found = 0;
        for (int i = 0; i < channels.size() && found < limit; i++) {
            String label = kind.of(channels.get(i), events.get(i));
            if (label.equals(previous)) {
                continue;
            }
            each.accept(label, i);
            found++;
            previous = label;
        }
    }

    /**
     * The path as a Sankey sees it: labelled by {@code kind}, starting at the first step labelled {@code startsWith}
     * (or at the first step when null) and cut after {@code steps} steps; null when the path never reaches the anchor.
     *
     * @return the labels and the time of the path's first step
     */
    public Anchored anchored(Label kind, String startsWith, int steps) {
        List<Labelled> all = labelled(kind, startsWith == null ? steps : Integer.MAX_VALUE);
        int start = 0;
        if (startsWith != null) {
            start = -1;
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).label().equals(startsWith)) {
                    start = i;
                    break;
                }
            }
        }
        if (start < 0 || start >= all.size()) {
            return null;
        }
        List<String> labels = new ArrayList<>();
        for (int i = start; i < all.size() && labels.size() < steps; i++) {
            labels.add(all.get(i).label());
        }
        return new Anchored(labels, all.get(start).at());
    }

    /** A path cut for a Sankey and the time it starts. */
    public record Anchored(List<String> labels, Instant startAt) {
    }
}
