package io.happypath.journey.domain;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A journey definition version with every condition compiled once. Built by {@link DefinitionValidator} and cached
 * per (id, version); the event path only evaluates.
 */
public record CompiledJourney(JourneyDefinition definition, int version, List<CompiledStage> stages,
        List<CompiledTrigger> exitOn, List<CompiledSignal> signals) {

    public String id() {
        return definition.id();
    }

    public int indexOf(String stageId) {
        for (int i = 0; i < stages.size(); i++) {
            if (stages.get(i).id().equals(stageId)) {
                return i;
            }
        }
        return -1;
    }

    public CompiledStage stage(String stageId) {
        int i = indexOf(stageId);
        return i < 0 ? null : stages.get(i);
    }

    /** A stage with its compiled trigger; {@code expectNextWithin} is null when the stage never stalls. */
    public record CompiledStage(String id, CompiledTrigger enterOn, Duration expectNextWithin, String expectNextWithinText) {
    }

    /** A signal with its compiled triggers; {@code clearOn} may be null. */
    public record CompiledSignal(String id, CompiledTrigger setOn, CompiledTrigger clearOn) {
    }

    /** An event-name match plus an optional compiled condition. */
    public record CompiledTrigger(String event, String type, Conditions.Condition when) {

        public boolean matches(IncomingEvent e, Map<String, Object> activation) {
            if (type != null && !type.equals(e.type())) {
                return false;
            }
            if (event != null && !event.equals(e.name())) {
                return false;
            }
            return when == null || when.test(activation);
        }
    }
}
