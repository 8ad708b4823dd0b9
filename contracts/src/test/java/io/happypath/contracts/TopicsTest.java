package io.happypath.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void allHoldsEveryMainTopicAndItsDeadLetterTwin() {
        assertThat(Topics.MAIN).containsExactly("hp.events.raw.v1", "hp.events.v1", "hp.identity.v1", "hp.journey.v1",
                "hp.decisions.v1", "hp.actions.v1");
        for (String topic : Topics.MAIN) {
            assertThat(Topics.ALL).contains(topic, topic + ".dlq");
        }
        assertThat(Topics.ALL).hasSize(2 * Topics.MAIN.size()).doesNotHaveDuplicates();
        assertThat(Topics.dlq(Topics.EVENTS)).isEqualTo("hp.events.v1.dlq");
    }

    @Test
    void cloudEventTypesFollowTheirTopicsNaming() throws Exception {
        List<String> types = constants(CloudEventTypes.class);

        assertThat(types).doesNotHaveDuplicates()
                .allMatch(t -> t.matches("io\\.happypath\\.(event|identity|journey|decision|action)\\.[a-z.]+"))
                .contains(CloudEventTypes.SEGMENT_CHANGED, "io.happypath.journey.segment.changed");
        assertThat(CloudEventTypes.ofSegmentType("Track")).isEqualTo(CloudEventTypes.TRACK);
    }

    private static List<String> constants(Class<?> type) throws IllegalAccessException {
        List<String> values = new ArrayList<>();
        for (Field f : Arrays.stream(type.getDeclaredFields()).filter(f -> Modifier.isPublic(f.getModifiers())).toList()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                values.add((String) f.get(null));
            }
        }
        return values;
    }
}
