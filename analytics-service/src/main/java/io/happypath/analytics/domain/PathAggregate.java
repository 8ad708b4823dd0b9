package io.happypath.analytics.domain;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Sankey counts one profile's path contributes to, maintained incrementally: for every label kind, the profile's
 * first {@value #POSITIONS} collapsed steps count once as a node (position, label) and each pair of consecutive steps
 * as a link (position, source, target), under the UTC day the path started, for all profiles ({@value #ALL}) and for
 * every journey the profile entered. Summed over the days of a range these give a Sankey without reading any path:
 * node counts per position are the columns, link counts the flows, and a node's count minus its outgoing links its
 * drop-off.
 */
public final class PathAggregate {

    /** Positions kept per path: the most columns a Sankey may have. */
    public static final int POSITIONS = 10;
    /** The journey key of the counts over all profiles. */
    public static final String ALL = "";

    private PathAggregate() {
    }

    /** A node count's key. */
    public record NodeKey(String journeyId, String labelKind, LocalDate day, int pos, String label) {
    }

    /** A link count's key: from {@code source} at {@code pos} to {@code target} at {@code pos + 1}. */
    public record LinkKey(String journeyId, String labelKind, LocalDate day, int pos, String source, String target) {
    }

    /** The UTC day a path starting at {@code runs.startAt()} counts under. */
    public static LocalDate day(PathRuns runs) {
        return runs.startAt().atZone(ZoneOffset.UTC).toLocalDate();
    }

    /** Whether two paths contribute the same counts (same start day and same first positions for every label kind). */
    public static boolean sameCounts(PathRuns a, PathRuns b) {
        if (a.isEmpty() || b.isEmpty()) {
            return a.isEmpty() == b.isEmpty();
        }
        if (!day(a).equals(day(b))) {
            return false;
        }
        for (Label kind : Label.values()) {
            if (!labels(a, kind).equals(labels(b, kind))) {
                return false;
            }
        }
        return true;
    }

    private static List<String> labels(PathRuns runs, Label kind) {
        return runs.labelled(kind, POSITIONS).stream().map(PathRuns.Labelled::label).toList();
    }

    /** Changes to node and link counts, added up over profiles before they are written. */
    public static final class Delta {

        private final Map<NodeKey, Long> nodes = new HashMap<>();
        private final Map<LinkKey, Long> links = new HashMap<>();

        /** Adds ({@code sign} 1) or removes ({@code sign} −1) the counts of a path, for all profiles and each journey. */
        public Delta add(PathRuns runs, Collection<String> journeys, int sign) {
            if (runs.isEmpty()) {
                return this;
            }
            addUnder(ALL, runs, sign);
            for (String journey : journeys) {
                addUnder(journey, runs, sign);
            }
            return this;
        }

        private void addUnder(String journey, PathRuns runs, int sign) {
            LocalDate day = day(runs);
            for (Label kind : Label.values()) {
                String k = kind.wireValue();
                List<String> labels = labels(runs, kind);
                for (int pos = 0; pos < labels.size(); pos++) {
                    nodes.merge(new NodeKey(journey, k, day, pos, labels.get(pos)), (long) sign, Long::sum);
                    if (pos + 1 < labels.size()) {
                        links.merge(new LinkKey(journey, k, day, pos, labels.get(pos), labels.get(pos + 1)), (long) sign,
                                Long::sum);
                    }
                }
            }
        }

        /** The node counts that change, with their change. */
        public Map<NodeKey, Long> nodes() {
            nodes.values().removeIf(v -> v == 0);
            return nodes;
        }

        /** The link counts that change, with their change. */
        public Map<LinkKey, Long> links() {
            links.values().removeIf(v -> v == 0);
            return links;
        }

        public boolean isEmpty() {
            return nodes().isEmpty() && links().isEmpty();
        }
    }
}
