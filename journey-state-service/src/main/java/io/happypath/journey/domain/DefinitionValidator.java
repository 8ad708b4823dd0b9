package io.happypath.journey.domain;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates journey and segment definitions and compiles their conditions. Every problem is reported with the JSON
 * path of its field, so that a 400 names exactly what to fix; a definition compiles only when it has no problem.
 */
public final class DefinitionValidator {

    /** Ids of journeys, stages, signals and segments: safe in URLs, Redis keys and metric tags. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    public static final int MAX_STAGES = 50;
    public static final int MAX_SIGNALS = 50;
    public static final int MAX_CONDITION_LENGTH = 4096;

    private DefinitionValidator() {
    }

    /** The result of a validation: either a compiled value or the problems found. */
    public record Result<T>(T compiled, List<DefinitionProblem> problems) {

        public boolean ok() {
            return problems.isEmpty();
        }
    }

    public static Result<CompiledJourney> journey(JourneyDefinition d, int version) {
        List<DefinitionProblem> problems = new ArrayList<>();
        checkId(d.id(), "id", problems);
        List<CompiledJourney.CompiledStage> stages = new ArrayList<>();
        Set<String> stageIds = new HashSet<>();
        if (d.stages() == null || d.stages().isEmpty()) {
            problems.add(new DefinitionProblem("stages", "a journey needs at least one stage"));
        } else if (d.stages().size() > MAX_STAGES) {
            problems.add(new DefinitionProblem("stages", "at most " + MAX_STAGES + " stages are allowed"));
        } else {
            for (int i = 0; i < d.stages().size(); i++) {
                String at = "stages[" + i + "]";
                JourneyDefinition.Stage s = d.stages().get(i);
                if (s == null) {
                    problems.add(new DefinitionProblem(at, "must be an object"));
                    continue;
                }
                if (checkId(s.id(), at + ".id", problems) && !stageIds.add(s.id())) {
                    problems.add(new DefinitionProblem(at + ".id", "duplicate stage id '" + s.id() + "'"));
                }
                CompiledJourney.CompiledTrigger enterOn = trigger(s.enterOn(), at + ".enterOn", true, problems);
                Duration within = null;
                if (s.expectNextWithin() != null) {
                    within = duration(s.expectNextWithin(), at + ".expectNextWithin", problems);
                }
                stages.add(new CompiledJourney.CompiledStage(s.id(), enterOn, within, s.expectNextWithin()));
            }
        }
        Set<String> onPath = new HashSet<>();
        for (int i = 0; i < d.happyPath().size(); i++) {
            String stage = d.happyPath().get(i);
            String at = "happyPath[" + i + "]";
            if (stage == null || !stageIds.contains(stage)) {
                problems.add(new DefinitionProblem(at, "unknown stage '" + stage + "'"));
            } else if (!onPath.add(stage)) {
                problems.add(new DefinitionProblem(at, "stage '" + stage + "' appears twice in the happy path"));
            }
        }
        List<CompiledJourney.CompiledTrigger> exits = new ArrayList<>();
        for (int i = 0; i < d.exitOn().size(); i++) {
            exits.add(trigger(d.exitOn().get(i), "exitOn[" + i + "]", true, problems));
        }
        List<CompiledJourney.CompiledSignal> signals = new ArrayList<>();
        Set<String> signalIds = new HashSet<>();
        if (d.signals().size() > MAX_SIGNALS) {
            problems.add(new DefinitionProblem("signals", "at most " + MAX_SIGNALS + " signals are allowed"));
        } else {
            for (int i = 0; i < d.signals().size(); i++) {
                String at = "signals[" + i + "]";
                JourneyDefinition.SignalDefinition s = d.signals().get(i);
                if (s == null) {
                    problems.add(new DefinitionProblem(at, "must be an object"));
                    continue;
                }
                if (checkId(s.id(), at + ".id", problems) && !signalIds.add(s.id())) {
                    problems.add(new DefinitionProblem(at + ".id", "duplicate signal id '" + s.id() + "'"));
                }
                CompiledJourney.CompiledTrigger set = trigger(s.setOn(), at + ".setOn", true, problems);
                CompiledJourney.CompiledTrigger clear = s.clearOn() == null
                        ? null
                        : trigger(s.clearOn(), at + ".clearOn", true, problems);
                signals.add(new CompiledJourney.CompiledSignal(s.id(), set, clear));
            }
        }
        if (!problems.isEmpty()) {
            return new Result<>(null, List.copyOf(problems));
        }
        return new Result<>(new CompiledJourney(d, version, List.copyOf(stages), List.copyOf(exits), List.copyOf(signals)),
                List.of());
    }

    public static Result<CompiledSegment> segment(SegmentDefinition d) {
        List<DefinitionProblem> problems = new ArrayList<>();
        checkId(d.id(), "id", problems);
        Conditions.Condition when = null;
        if (d.when() == null || d.when().isBlank()) {
            problems.add(new DefinitionProblem("when", "is required: a CEL condition over profile and state"));
        } else if (d.when().length() > MAX_CONDITION_LENGTH) {
            problems.add(new DefinitionProblem("when", "is longer than " + MAX_CONDITION_LENGTH + " characters"));
        } else {
            try {
                when = Conditions.compileSegment(d.when());
            } catch (Conditions.InvalidConditionException e) {
                problems.add(new DefinitionProblem("when", "does not compile: " + e.getMessage()));
            }
        }
        return problems.isEmpty()
                ? new Result<>(new CompiledSegment(d, when), List.of())
                : new Result<>(null, List.copyOf(problems));
    }

    private static boolean checkId(String id, String field, List<DefinitionProblem> problems) {
        if (id == null || id.isBlank()) {
            problems.add(new DefinitionProblem(field, "is required"));
            return false;
        }
        if (!ID.matcher(id).matches()) {
            problems.add(new DefinitionProblem(field,
                    "'" + id + "' must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"));
            return false;
        }
        return true;
    }

    private static Duration duration(String text, String field, List<DefinitionProblem> problems) {
        try {
            Duration d = Duration.parse(text);
            if (d.isNegative() || d.isZero()) {
                problems.add(new DefinitionProblem(field, "'" + text + "' must be a positive duration"));
                return null;
            }
            return d;
        } catch (DateTimeParseException e) {
            problems.add(new DefinitionProblem(field,
                    "'" + text + "' is not an ISO-8601 duration such as PT48H, P2D or PT30M"));
            return null;
        }
    }

    private static CompiledJourney.CompiledTrigger trigger(JourneyDefinition.Trigger t, String field, boolean required,
            List<DefinitionProblem> problems) {
        if (t == null) {
            if (required) {
                problems.add(new DefinitionProblem(field, "is required"));
            }
            return null;
        }
        if ((t.event() == null || t.event().isBlank()) && (t.when() == null || t.when().isBlank())) {
            problems.add(new DefinitionProblem(field, "needs an 'event' name, a 'when' condition, or both"));
            return null;
        }
        Conditions.Condition when = null;
        if (t.when() != null && !t.when().isBlank()) {
            if (t.when().length() > MAX_CONDITION_LENGTH) {
                problems.add(new DefinitionProblem(field + ".when",
                        "is longer than " + MAX_CONDITION_LENGTH + " characters"));
                return null;
            }
            try {
                when = Conditions.compile(t.when());
            } catch (Conditions.InvalidConditionException e) {
                problems.add(new DefinitionProblem(field + ".when", "does not compile: " + e.getMessage()));
                return null;
            }
        }
        String type = t.type() == null || t.type().isBlank() ? null : t.type();
        String event = t.event() == null || t.event().isBlank() ? null : t.event();
        return new CompiledJourney.CompiledTrigger(event, type, when);
    }
}
