package io.happypath.devstack.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

class SimulatorTest {

    private static Simulator simulator(long seed, int customers, String run) {
        return new Simulator(new Simulator.Settings(seed, customers, Duration.ofDays(14), Duration.ofSeconds(60), run,
                URI.create("http://127.0.0.1:1"), URI.create("http://127.0.0.1:1"), "token", Map.of(),
                Duration.ofMillis(250), URI.create("http://127.0.0.1:1"), URI.create("http://127.0.0.1:1"), "token"));
    }

    @Test
    void theSameSeedPlansTheSameBehaviourAndTheRunIdOnlyRenamesPeople() {
        List<List<Session>> first = simulator(7, 50, "a").plan();
        List<List<Session>> again = simulator(7, 50, "a").plan();
        List<List<Session>> otherRun = simulator(7, 50, "b").plan();
        List<List<Session>> otherSeed = simulator(8, 50, "a").plan();

        assertThat(again).isEqualTo(first);
        assertThat(shape(otherRun)).isEqualTo(shape(first));
        assertThat(otherRun.get(0).get(0).messages().get(0).toString()).contains("-b-")
                .doesNotContain("-a-");
        assertThat(shape(otherSeed)).isNotEqualTo(shape(first));
    }

    @Test
    void personasFollowTheirSharesAndSessionsStayInThePeriodInOrder() {
        List<List<Session>> plan = simulator(42, 2_000, "r").plan();
        Map<Persona, Integer> counts = new EnumMap<>(Persona.class);
        plan.forEach(sessions -> counts.merge(sessions.get(0).customer().persona(), 1, Integer::sum));

        assertThat(counts.get(Persona.STRUGGLING_ACTIVATOR)).isBetween(340, 460); // 20 % of 2,000
        assertThat(counts.get(Persona.SMOOTH_BUYER)).isBetween(440, 560); // 25 %
        assertThat(counts.get(Persona.ECO_MINDED)).isBetween(240, 360); // 15 %
        assertThat(counts.get(Persona.WINDOW_SHOPPER)).isBetween(440, 560); // 25 %
        assertThat(counts.get(Persona.EMAIL_RESPONDER)).isBetween(240, 360); // 15 %
        for (List<Session> sessions : plan) {
            for (int i = 0; i < sessions.size(); i++) {
                Session s = sessions.get(i);
                Duration end = s.at().plus(s.offsets().isEmpty() ? Duration.ZERO : s.offsets().get(s.offsets().size() - 1));
                assertThat(s.at()).isGreaterThanOrEqualTo(Duration.ZERO);
                assertThat(end).isLessThanOrEqualTo(Duration.ofDays(14));
                if (i > 0) {
                    assertThat(s.at()).isGreaterThan(sessions.get(i - 1).at());
                }
            }
        }
    }

    @Test
    void theStrugglingActivatorWalksThePhoneStoryAndIsKnownOnlyWhereItCanBe() {
        List<Session> story = simulator(42, 200, "r").plan().stream()
                .filter(s -> s.get(0).customer().persona() == Persona.STRUGGLING_ACTIVATOR).findFirst().orElseThrow();
        Customer c = story.get(0).customer();

        assertThat(story.stream().map(Session::channel).toList()).startsWith("web", "store", "app", "callcenter", "web");
        ObjectNode firstWebVisit = story.get(0).messages().get(0);
        assertThat(firstWebVisit.path("anonymousId").asText()).isEqualTo(c.webAnonymousId());
        assertThat(firstWebVisit.has("userId")).as("anonymous on the web before logging in").isFalse();
        assertThat(story.get(1).messages()).allSatisfy(m -> assertThat(m.path("userId").asText()).isEqualTo(c.userId()));
        assertThat(story.get(1).messages().get(0).path("traits").path("email").asText()).isEqualTo(c.email());
        assertThat(story.get(2).messages()).extracting(m -> m.path("event").asText())
                .contains("Activation Started", "Activation Failed");
        assertThat(story.get(3).messages().get(0).path("properties").path("sentiment").asText()).isEqualTo("negative");
        assertThat(story.get(4).messages().get(0).path("type").asText()).isEqualTo("identify");
        assertThat(story.get(4).messages().get(0).path("anonymousId").asText()).isEqualTo(c.webAnonymousId());
        assertThat(story.get(4).decisions()).containsExactly("home-hero");
    }

    @Test
    void theEcoMindedCustomerCarriesTheTraitAndAsksAtCheckout() {
        List<Session> eco = simulator(42, 200, "r").plan().stream()
                .filter(s -> s.get(0).customer().persona() == Persona.ECO_MINDED).findFirst().orElseThrow();

        assertThat(eco.get(0).messages()).anySatisfy(m -> assertThat(m.path("traits").path("prefersSustainable")
                .asBoolean()).isTrue());
        assertThat(eco.get(0).decisions()).containsExactly("checkout");
    }

    /** Channels, timings and event names of a plan, without the identifiers. */
    private static List<String> shape(List<List<Session>> plan) {
        return plan.stream().flatMap(List::stream).map(s -> s.channel() + "@" + s.at() + ":"
                + s.messages().stream().map(m -> m.path("type").asText() + "/" + m.path("event").asText()).toList())
                .toList();
    }
}
