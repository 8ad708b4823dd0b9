package io.happypath.analytics.domain;

/** A query parameter a caller got wrong; the REST layer turns it into a 400 naming the parameter. */
public class InvalidParameter extends IllegalArgumentException {

    private final String code;
    private final String parameter;

    public InvalidParameter(String code, String parameter, String message) {
        super(message);
        this.code = code;
        this.parameter = parameter;
    }

    public InvalidParameter(String parameter, String message) {
        this("invalid_parameter", parameter, message);
    }

    /** The machine-readable error code, e.g. {@code invalid_parameter} or {@code invalid_range}. */
    public String code() {
        return code;
    }

    /** The name of the query parameter. */
    public String parameter() {
        return parameter;
    }

    /** An integer parameter within {@code [min, max]}, or {@code defaultValue} when absent. */
    public static int intParam(String name, String value, int defaultValue, int min, int max) {
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new InvalidParameter(name, "'" + name + "' must be an integer between " + min + " and " + max
                    + ", was '" + value + "'");
        }
        if (n < min || n > max) {
            throw new InvalidParameter(name, "'" + name + "' must be between " + min + " and " + max + ", was " + n);
        }
        return n;
    }
}
