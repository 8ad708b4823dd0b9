package io.happypath.devstack;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The metric names a PromQL expression of a dashboard or an alert queries, for the tests that check them. */
public final class PromQl {

    private static final Pattern NAME = Pattern.compile("\\b([a-z][a-z0-9_]*)(?=\\{|\\[|\\))");
    private static final Set<String> FUNCTIONS = Set.of("sum", "rate", "max", "min", "avg", "by", "histogram_quantile",
            "scalar", "increase", "changes", "label_values", "count", "without");

    private PromQl() {
    }

    /** E.g. {@code rate(happypath_x_total{service="a"}[5m]) / scalar(up)} queries happypath_x_total and up. */
    public static Set<String> metricNames(String expr) {
        Set<String> found = new TreeSet<>();
        // Strings and the label lists of by (...) / without (...) are not metric names.
        String bare = expr.replaceAll("\"[^\"]*\"", "\"\"").replaceAll("\\b(by|without)\\s*\\([^)]*\\)", "");
        Matcher m = NAME.matcher(bare);
        while (m.find()) {
            if (!FUNCTIONS.contains(m.group(1)) && !isLabel(bare, m.start())) {
                found.add(m.group(1));
            }
        }
        return found;
    }

    /** A word inside {...} is a label name. */
    private static boolean isLabel(String expr, int at) {
        return expr.lastIndexOf('{', at) > expr.lastIndexOf('}', at);
    }
}
