package io.happypath.contracts.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;

import io.happypath.contracts.Json;

class OutcomeTest {

    private final ObjectMapper mapper = Json.newMapper();

    @Test
    void isLowerCaseOnTheWire() throws Exception {
        assertThat(Arrays.stream(Outcome.values()).map(Outcome::wireValue))
                .containsExactly("impression", "clicked", "accepted", "dismissed", "converted");
        assertThat(mapper.writeValueAsString(Outcome.CONVERTED)).isEqualTo("\"converted\"");
        assertThat(mapper.readValue("\"dismissed\"", Outcome.class)).isEqualTo(Outcome.DISMISSED);
    }

    @Test
    void rejectsUnknownValuesNamingTheAllowedOnes() {
        assertThatThrownBy(() -> Outcome.fromWire("CLICKED"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("impression|clicked|accepted|dismissed|converted");
        assertThatThrownBy(() -> mapper.readValue("\"bought\"", Outcome.class))
                .isInstanceOf(ValueInstantiationException.class)
                .hasMessageContaining("unknown outcome 'bought'");
    }

    @Test
    void rankedActionKeepsPropensityAProbability() {
        assertThatThrownBy(() -> new RankedAction("a", 1.0, 1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RankedAction("a", Double.NaN, 0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new RankedAction("a", 0.0, 0.0).propensity()).isZero();
    }
}
