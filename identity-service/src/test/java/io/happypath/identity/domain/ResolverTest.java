package io.happypath.identity.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.happypath.contracts.identity.Identifier;

class ResolverTest {

    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    final Resolver resolver = new Resolver(IdentityRules.defaults());
    final Map<Identifier, String> owners = new HashMap<>();
    final Map<String, ProfileView> profiles = new HashMap<>();

    static Identifier uid(String v) {
        return Identifier.of(Identifier.USER_ID, v);
    }

    static Identifier email(String v) {
        return Identifier.of(Identifier.EMAIL, v);
    }

    static Identifier anon(String v) {
        return Identifier.of(Identifier.ANONYMOUS_ID, v);
    }

    static Identifier device(String v) {
        return Identifier.of(Identifier.DEVICE_ID, v);
    }

    void profile(String id, Instant created, Identifier... ids) {
        profileSeen(id, created, created, ids);
    }

    void profileSeen(String id, Instant created, Instant lastSeen, Identifier... ids) {
        profiles.put(id, new ProfileView(id, created,
                java.util.Arrays.stream(ids).map(i -> new StoredIdentifier(i, created, lastSeen)).toList()));
        for (Identifier i : ids) {
            owners.put(i, id);
        }
    }

    @Test
    void noMatchCreatesAProfileWithEveryIdentifier() {
        Resolution r = resolver.resolve(List.of(anon("a1"), email("jane@x")), owners, profiles, NOW);
        assertThat(r.createsProfile()).isTrue();
        assertThat(r.identifiers()).containsExactly(anon("a1"), email("jane@x"));
        assertThat(r.newIdentifiers()).containsExactly(anon("a1"), email("jane@x"));
        assertThat(r.rule()).isEqualTo(Resolution.NEW_PROFILE);
    }

    @Test
    void segmentsDocumentedExampleCreatesANewProfileAndLeavesTheEmail() {
        profile("p1", NOW.minusSeconds(60), uid("abc123"), email("jane@x"));
        Resolution r = resolver.resolve(List.of(uid("abc456"), email("jane@x")), owners, profiles, NOW);
        assertThat(r.createsProfile()).isTrue();
        assertThat(r.identifiers()).containsExactly(uid("abc456"));
        assertThat(r.dropped()).containsExactly(email("jane@x"));
        assertThat(r.merged()).isEmpty();
    }

    @Test
    void knownIdentifierAddsTheNewOnesToItsProfile() {
        profile("p1", NOW.minusSeconds(60), anon("a1"));
        Resolution r = resolver.resolve(List.of(uid("u1"), anon("a1")), owners, profiles, NOW);
        assertThat(r.survivor()).isEqualTo("p1");
        assertThat(r.newIdentifiers()).containsExactly(uid("u1"));
        assertThat(r.merged()).isEmpty();
        assertThat(r.rule()).isEqualTo("match:anonymous_id");
    }

    @Test
    void twoProfilesMatchedMergeIntoTheOldest() {
        profile("young", NOW.minusSeconds(10), anon("mobile"), uid("u1"));
        profile("old", NOW.minusSeconds(100), anon("web"));
        Resolution r = resolver.resolve(List.of(uid("u1"), anon("web")), owners, profiles, NOW);
        assertThat(r.survivor()).isEqualTo("old");
        assertThat(r.merged()).containsExactly("young");
        assertThat(r.newIdentifiers()).isEmpty();
        assertThat(r.rule()).isEqualTo("match:anonymous_id,user_id");
    }

    @Test
    void mergeThatWouldJoinTwoUserIdsDropsTheSharedDevice() {
        profile("p1", NOW.minusSeconds(100), uid("u1"), device("tablet"));
        Resolution r = resolver.resolve(List.of(uid("u2"), device("tablet")), owners, profiles, NOW);
        assertThat(r.createsProfile()).isTrue();
        assertThat(r.dropped()).containsExactly(device("tablet"));
    }

    @Test
    void mergeOfTwoKnownUsersViaAnEmailIsRefused() {
        profile("p1", NOW.minusSeconds(100), uid("u1"));
        profile("p2", NOW.minusSeconds(50), uid("u2"), email("shared@x"));
        Resolution r = resolver.resolve(List.of(anon("a9"), email("shared@x")), owners, profiles, NOW);
        // no user_id in the event, one profile matched: allowed
        assertThat(r.survivor()).isEqualTo("p2");
        owners.put(anon("a9"), "p1");
        Resolution both = resolver.resolve(List.of(anon("a9"), email("shared@x")), owners, profiles, NOW);
        assertThat(both.merged()).isEmpty();
        assertThat(both.dropped()).hasSize(1);
    }

    @Test
    void limitCountsOnlyIdentifiersSeenWithinTheWindow() {
        Instant longAgo = NOW.minus(Duration.ofDays(60));
        profileSeen("p1", longAgo, longAgo, uid("u1"), anon("a1"), anon("a2"), anon("a3"), anon("a4"), anon("a5"));
        // anonymous_id: 5 monthly, the old ones no longer count
        Resolution r = resolver.resolve(List.of(uid("u1"), anon("a6")), owners, profiles, NOW);
        assertThat(r.survivor()).isEqualTo("p1");
        assertThat(r.newIdentifiers()).containsExactly(anon("a6"));
    }

    @Test
    void sixthRecentAnonymousIdIsNotLinked() {
        profile("p1", NOW.minusSeconds(100), uid("u1"), anon("a1"), anon("a2"), anon("a3"), anon("a4"), anon("a5"));
        Resolution r = resolver.resolve(List.of(uid("u1"), anon("a6")), owners, profiles, NOW);
        assertThat(r.survivor()).isEqualTo("p1");
        assertThat(r.identifiers()).containsExactly(uid("u1"));
        assertThat(r.dropped()).containsExactly(anon("a6"));
    }

    @Test
    void singleIdentifierAlwaysResolvesEvenIfItsProfileExceedsALimit() {
        profile("p1", NOW.minusSeconds(100), uid("u1"), uid("u2"));
        Resolution r = resolver.resolve(List.of(uid("u1")), owners, profiles, NOW);
        assertThat(r.survivor()).isEqualTo("p1");
    }

    @Test
    void equalCreationTimesPickTheSmallerIdAsSurvivor() {
        profile("b", NOW, anon("x"));
        profile("a", NOW, anon("y"));
        Resolution r = resolver.resolve(List.of(anon("x"), anon("y")), owners, profiles, NOW);
        assertThat(r.survivor()).isEqualTo("a");
        assertThat(r.merged()).containsExactly("b");
    }

    @Test
    void noIdentifiersIsAnError() {
        assertThatThrownBy(() -> resolver.resolve(List.of(), owners, profiles, NOW))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
