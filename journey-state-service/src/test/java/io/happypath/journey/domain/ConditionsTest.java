package io.happypath.journey.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class ConditionsTest {

    private static Map<String, Object> activation(Map<String, Object> event) {
        return Map.of("event", Conditions.celValue(event), "profile", Map.of(), "state", Map.of());
    }

    @Test
    void evaluatesOverEventProperties() throws Exception {
        var c = Conditions.compile("event.properties.category == 'phone' && event.properties.price > 100");
        assertThat(c.test(activation(Map.of("properties", Map.of("category", "phone", "price", 300))))).isTrue();
        assertThat(c.test(activation(Map.of("properties", Map.of("category", "tv", "price", 300))))).isFalse();
    }

    @Test
    void missingFieldIsFalseNotAnError() throws Exception {
        var c = Conditions.compile("event.properties.category == 'phone'");
        assertThat(c.test(activation(Map.of()))).isFalse();
    }

    @Test
    void rejectsSyntaxErrorsUnknownVariablesAndNonBooleans() {
        assertThatThrownBy(() -> Conditions.compile("event.properties.category == ")).isInstanceOf(
                Conditions.InvalidConditionException.class);
        assertThatThrownBy(() -> Conditions.compile("customer.vip")).isInstanceOf(Conditions.InvalidConditionException.class)
                .hasMessageContaining("customer");
        assertThatThrownBy(() -> Conditions.compile("'text'")).isInstanceOf(Conditions.InvalidConditionException.class);
    }

    @Test
    void supportsHasAndListMacros() throws Exception {
        var c = Conditions.compile("has(event.properties.tags) && event.properties.tags.exists(t, t == 'eco')");
        assertThat(c.test(activation(Map.of("properties", Map.of("tags", java.util.List.of("eco", "new")))))).isTrue();
        assertThat(c.test(activation(Map.of("properties", Map.of())))).isFalse();
    }
}
