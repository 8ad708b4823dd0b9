package io.happypath.analytics.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Sankey of paths that keeps every person (ALGORITHMS.md, "Paths / Sankey"): per column the top-N labels plus
 * {@value #OTHER}, and a {@value #DROP_OFF} node in the column after a path ends, so that for every node
 * {@code inflow = Σ outflow + dropOff} up to the last column.
 *
 * @param nodes every node; {@code profiles} is the node's inflow (the profiles whose path passes it)
 * @param links weights are distinct profiles
 */
public record Sankey(List<Node> nodes, List<Link> links) {

    /** The label of the node that gathers the labels outside a column's top N. */
    public static final String OTHER = "other";
    /** The label of the node that receives the profiles whose path ended in the previous column. */
    public static final String DROP_OFF = "drop-off";

    /**
     * A node.
     *
     * @param id {@code <column>:<label>}
     * @param profiles inflow: the profiles whose path passes the node
     * @param outflow the profiles going on to a non-drop-off node of the next column
     * @param dropOff the profiles whose path ends here (for a {@value #DROP_OFF} node, all of them)
     */
    public record Node(String id, int column, String label, long profiles, long outflow, long dropOff) {
    }

    /** A link between nodes of adjacent columns, weighted by distinct profiles. */
    public record Link(String source, String target, long profiles) {
    }

    /** A distinct path (already collapsed and anchored) and how many profiles followed it. */
    public record PathCount(List<String> steps, long profiles) {
    }

    /**
     * Builds the Sankey of {@code paths}, truncated to {@code steps} columns, keeping the {@code top} most frequent
     * labels of each column (ties broken by label) and gathering the rest in {@value #OTHER}.
     */
    public static Sankey of(List<PathCount> paths, int steps, int top) {
        Counts counts = new Counts();
        paths.forEach(p -> counts.addPath(p.steps(), p.profiles(), steps));
        return of(counts, steps, top);
    }

    /**
     * Profiles per (column, label) and per link between adjacent columns: all a Sankey needs. They add up over groups
     * of profiles, so they can come from stored aggregates as well as from paths.
     */
    public static final class Counts {

        private final Map<Integer, Map<String, Long>> nodes = new HashMap<>();
        private final Map<Integer, Map<String, Map<String, Long>>> links = new HashMap<>();

        /** Adds profiles at {@code label} in {@code column}. */
        public Counts addNode(int column, String label, long profiles) {
            nodes.computeIfAbsent(column, c -> new HashMap<>()).merge(label, profiles, Long::sum);
            return this;
        }

        /** Adds profiles going from {@code source} in {@code column} to {@code target} in {@code column + 1}. */
        public Counts addLink(int column, String source, String target, long profiles) {
            links.computeIfAbsent(column, c -> new HashMap<>()).computeIfAbsent(source, s -> new HashMap<>())
                    .merge(target, profiles, Long::sum);
            return this;
        }

        /** Adds {@code profiles} following {@code path}, of which the first {@code steps} steps count. */
        public Counts addPath(List<String> path, long profiles, int steps) {
            int length = Math.min(path.size(), steps);
            for (int c = 0; c < length; c++) {
                addNode(c, path.get(c), profiles);
                if (c + 1 < length) {
                    addLink(c, path.get(c), path.get(c + 1), profiles);
                }
            }
            return this;
        }

        /** Adds everything counted in {@code other}. */
        public Counts addAll(Counts other) {
            other.nodes.forEach((c, m) -> m.forEach((label, n) -> addNode(c, label, n)));
            other.links.forEach((c, m) -> m.forEach((source, t) -> t.forEach((target, n) -> addLink(c, source, target, n))));
            return this;
        }

        /** The profiles in column 0. */
        public long profiles() {
            return nodes.getOrDefault(0, Map.of()).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * Builds the Sankey of {@code counts} over {@code steps} columns, keeping the {@code top} most frequent labels of
     * each column (ties broken by label) and gathering the rest in {@value #OTHER}. A node's drop-off is its count
     * minus its outgoing links: the profiles whose path ends there.
     */
    public static Sankey of(Counts counts, int steps, int top) {
        List<Map<String, String>> shown = new ArrayList<>(); // per column: label -> node label
        for (int c = 0; c < steps; c++) {
            Map<String, Long> column = counts.nodes.getOrDefault(c, Map.of());
            Set<String> topLabels = new HashSet<>();
            column.entrySet().stream().filter(e -> e.getValue() > 0)
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .limit(top).forEach(e -> topLabels.add(e.getKey()));
            Map<String, String> map = new HashMap<>();
            column.keySet().forEach(label -> map.put(label, topLabels.contains(label) ? label : OTHER));
            shown.add(map);
        }
        Map<String, long[]> nodeCounts = new LinkedHashMap<>(); // id -> {column, profiles, outflow, dropOff}
        Map<String, String> nodeLabels = new HashMap<>();
        Map<String, Long> links = new LinkedHashMap<>();
        for (int c = 0; c < steps; c++) {
            int column = c;
            counts.nodes.getOrDefault(c, Map.of()).forEach((label, n) -> {
                if (n > 0) {
                    String shownLabel = shown.get(column).get(label);
                    String id = nodeId(column, shownLabel);
                    nodeLabels.put(id, shownLabel);
                    long[] node = nodeCounts.computeIfAbsent(id, k -> new long[4]);
                    node[0] = column;
                    node[1] += n;
                }
            });
        }
        for (int c = 0; c + 1 < steps; c++) {
            int column = c;
            counts.links.getOrDefault(c, Map.of()).forEach((source, targets) -> targets.forEach((target, n) -> {
                if (n > 0) {
                    String from = nodeId(column, shown.get(column).get(source));
                    String to = nodeId(column + 1, shown.get(column + 1).get(target));
                    nodeCounts.get(from)[2] += n;
                    links.merge(from + "\u0000" + to, n, Long::sum);
                }
            }));
        }
        for (String id : List.copyOf(nodeCounts.keySet())) {
            long[] node = nodeCounts.get(id);
            long dropOff = node[1] - node[2];
            if (node[0] + 1 < steps && dropOff > 0) {
                node[3] = dropOff;
                String drop = nodeId((int) node[0] + 1, DROP_OFF);
                nodeLabels.put(drop, DROP_OFF);
                long[] d = nodeCounts.computeIfAbsent(drop, k -> new long[4]);
                d[0] = node[0] + 1;
                d[1] += dropOff;
                d[3] += dropOff;
                links.merge(id + "\u0000" + drop, dropOff, Long::sum);
            }
        }
        List<Node> nodes = new ArrayList<>();
        nodeCounts.forEach((id, n) -> nodes.add(new Node(id, (int) n[0], nodeLabels.get(id), n[1], n[2], n[3])));
        nodes.sort(Comparator.comparingInt(Node::column).thenComparing(Comparator.comparingLong(Node::profiles).reversed())
                .thenComparing(Node::label));
        List<Link> linkList = new ArrayList<>();
        links.forEach((k, v) -> {
            int sep = k.indexOf('\u0000');
            linkList.add(new Link(k.substring(0, sep), k.substring(sep + 1), v));
        });
        linkList.sort(Comparator.comparing(Link::source).thenComparing(Comparator.comparingLong(Link::profiles).reversed())
                .thenComparing(Link::target));
        return new Sankey(nodes, linkList);
    }

    /** The id of the node for {@code label} in {@code column}. */
    public static String nodeId(int column, String label) {
        return column + ":" + label;
    }
}
