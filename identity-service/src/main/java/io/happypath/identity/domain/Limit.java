package io.happypath.identity.domain;

/**
 * At most {@code max} identifiers of one type per profile within {@code window}.
 */
public record Limit(int max, Window window) {

    public Limit {
        if (max < 1) {
            throw new IllegalArgumentException("A limit must allow at least one identifier, got " + max);
        }
        if (window == null) {
            throw new IllegalArgumentException("A limit needs a window");
        }
    }

    /** Parses {@code "<max>"} (window {@code ever}) or {@code "<max>/<window>"}, e.g. {@code 5/monthly}. */
    public static Limit parse(String text) {
        String[] parts = text.trim().split("/", 2);
        int max;
        try {
            max = Integer.parseInt(parts[0].trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("A limit is '<max>' or '<max>/<window>', got '" + text + "'");
        }
        return new Limit(max, parts.length == 2 ? Window.parse(parts[1]) : Window.EVER);
    }
}
