package io.happypath.journey.domain;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;

/**
 * CEL conditions over {@code event}, {@code profile} and {@code state} (all dynamic maps). A condition is compiled and
 * type-checked once (a definition version compiles its conditions when it is stored or loaded) and then evaluated per
 * event in microseconds.
 */
public final class Conditions {

    /** The variables every condition may use. */
    public static final List<String> VARIABLES = List.of("event", "profile", "state");

    private static final Cel CEL = CelFactory.standardCelBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("event", SimpleType.DYN)
            .addVar("profile", SimpleType.DYN)
            .addVar("state", SimpleType.DYN)
            .setResultType(SimpleType.BOOL)
            .build();

    /** Segments see the profile and its live state, not a single event. */
    private static final Cel SEGMENT_CEL = CelFactory.standardCelBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("profile", SimpleType.DYN)
            .addVar("state", SimpleType.DYN)
            .setResultType(SimpleType.BOOL)
            .build();

    private Conditions() {
    }

    /** A compiled condition; thread-safe. */
    public record Condition(String source, CelRuntime.Program program) {

        /**
         * Evaluates the condition. An evaluation error (a missing map key, a wrong type at run time) counts as
         * false: an event that lacks what a condition looks at does not match it.
         */
        public boolean test(Map<String, Object> activation) {
            try {
                // A resolver reads the variables where they are; eval(Map) would copy the map on every evaluation.
                return Boolean.TRUE
                        .equals(program.eval((CelVariableResolver) name -> Optional.ofNullable(activation.get(name))));
            } catch (CelEvaluationException | RuntimeException e) {
                return false;
            }
        }
    }

    /** Thrown when an expression does not parse, does not type-check or is not boolean. */
    public static final class InvalidConditionException extends Exception {

        public InvalidConditionException(String message) {
            super(message);
        }
    }

    /** Compiles a boolean CEL expression. */
    public static Condition compile(String expression) throws InvalidConditionException {
        return compile(CEL, expression);
    }

    /** Compiles a boolean CEL expression over {@code profile} and {@code state} only (segments). */
    public static Condition compileSegment(String expression) throws InvalidConditionException {
        return compile(SEGMENT_CEL, expression);
    }

    private static Condition compile(Cel cel, String expression) throws InvalidConditionException {
        try {
            CelAbstractSyntaxTree ast = cel.compile(expression).getAst();
            return new Condition(expression, cel.createProgram(ast));
        } catch (CelValidationException e) {
            throw new InvalidConditionException(e.getMessage().replace('\n', ' ').trim());
        } catch (CelEvaluationException | RuntimeException e) {
            throw new InvalidConditionException("cannot be planned: " + e.getMessage());
        }
    }

    /**
     * Converts JSON-like values to the types CEL works with: integers become {@code long}, decimals {@code double},
     * null entries are dropped (CEL has no Java null; {@code has(...)} then reports them absent).
     */
    @SuppressWarnings("unchecked")
    public static Object celValue(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>(map.size() * 2);
            map.forEach((k, v) -> {
                if (k != null && v != null) {
                    out.put(k.toString(), celValue(v));
                }
            });
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object v : list) {
                if (v != null) {
                    out.add(celValue(v));
                }
            }
            return out;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float) {
            return ((Float) value).doubleValue();
        }
        if (value instanceof BigDecimal d) {
            return d.doubleValue();
        }
        if (value instanceof BigInteger i) {
            return i.longValue();
        }
        return value;
    }
}
