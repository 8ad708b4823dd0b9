package io.happypath.decision.domain;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;

/**
 * A compiled CEL condition over {@code profile}, {@code state}, {@code request} and {@code context} (all dynamic
 * maps). Compiled once when the rule is stored; evaluation is thread-safe.
 */
public final class Rule {

    /** The variables a rule may use. */
    public static final List<String> VARIABLES = List.of("profile", "state", "request", "context");

    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("profile", SimpleType.DYN)
            .addVar("state", SimpleType.DYN)
            .addVar("request", SimpleType.DYN)
            .addVar("context", SimpleType.DYN)
            .build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

    private final String name;
    private final String expression;
    private final CelRuntime.Program program;

    private Rule(String name, String expression, CelRuntime.Program program) {
        this.name = name;
        this.expression = expression;
        this.program = program;
    }

    /**
     * Compiles a rule.
     *
     * @param name the rule's name for error messages, e.g. {@code eligibility}
     * @throws RuleCompileException when the expression does not compile or is not boolean-valued
     */
    public static Rule compile(String name, String expression) {
        try {
            CelAbstractSyntaxTree ast = COMPILER.compile(expression).getAst();
            if (!ast.getResultType().equals(SimpleType.BOOL) && !ast.getResultType().equals(SimpleType.DYN)) {
                throw new RuleCompileException(name, "the expression yields " + ast.getResultType().name()
                        + ", not a bool");
            }
            return new Rule(name, expression, RUNTIME.createProgram(ast));
        } catch (CelValidationException e) {
            throw new RuleCompileException(name, e.getMessage());
        } catch (CelEvaluationException e) {
            throw new RuleCompileException(name, e.getMessage());
        }
    }

    /** Compiles a rule, or returns null for a blank expression (no rule: always true). */
    public static Rule compileOptional(String name, String expression) {
        return expression == null || expression.isBlank() ? null : compile(name, expression);
    }

    public String name() {
        return name;
    }

    public String expression() {
        return expression;
    }

    /**
     * Evaluates the rule. A rule that fails at run time (e.g. a missing key) is false: a candidate is only offered
     * when its rules positively hold.
     *
     * @param vars CEL-ready variables, see {@link #celValue(Object)}
     */
    public boolean test(Map<String, Object> vars) {
        try {
            return Boolean.TRUE.equals(program.eval(vars));
        } catch (CelEvaluationException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Converts JSON-like Java values (as Jackson reads them) to the types CEL evaluates: integers become
     * {@code Long}, decimals {@code Double}; nulls are dropped so that {@code has(x.y)} reads as absent.
     */
    public static Object celValue(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>(map.size() * 2);
            map.forEach((k, v) -> {
                if (v != null) {
                    out.put(String.valueOf(k), celValue(v));
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
        if (value instanceof BigInteger b) {
            return b.longValue();
        }
        if (value instanceof Float || value instanceof BigDecimal) {
            return ((Number) value).doubleValue();
        }
        return value;
    }
}
