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
        List<Set<String>> kept = new ArrayList<>();
        for (int c = 0; c < steps; c++) {
            Map<String, Long> counts = new HashMap<>();
            for (PathCount p : paths) {
                if (p.steps().size() > c) {
                    counts.merge(p.steps().get(c), p.profiles(), Long::sum);
                }
            }
            Set<String> topLabels = new HashSet<>();
            counts.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .limit(top).forEach(e -> topLabels.add(e.getKey()));
            kept.add(topLabels);
        }
        Map<String, long[]> nodeCounts = new LinkedHashMap<>(); // id -> {column, profiles, outflow, dropOff}
        Map<String, String> nodeLabels = new HashMap<>();
        Map<String, Long> links = new LinkedHashMap<>();
        for (PathCount p : paths) {
            int length = Math.min(p.steps().size(), steps);
            if (length == 0 || p.profiles() <= 0) {
                continue;
            }
            String previous = null;
            for (int c = 0; c < length; c++) {
                String label = kept.get(c).contains(p.steps().get(c)) ? p.steps().get(c) : OTHER;
                String id = nodeId(c, label);
                nodeLabels.put(id, label);
                nodeCounts.computeIfAbsent(id, k -> new long[4])[1] += p.profiles();
                nodeCounts.get(id)[0] = c;
                if (previous != null) {
                    nodeCounts.get(previous)[2] += p.profiles();
                    links.merge(previous + "\u0000" + id, p.profiles(), Long::sum);
                }
                previous = id;
            }
            if (length < steps) {
                String drop = nodeId(length, DROP_OFF);
                nodeLabels.put(drop, DROP_OFF);
                long[] d = nodeCounts.computeIfAbsent(drop, k -> new long[4]);
                d[0] = length;
                d[1] += p.profiles();
                d[3] += p.profiles();
                nodeCounts.get(previous)[3] += p.profiles();
                links.merge(previous + "\u0000" + drop, p.profiles(), Long::sum);
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
