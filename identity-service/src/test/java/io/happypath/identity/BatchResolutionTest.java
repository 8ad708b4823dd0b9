package io.happypath.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.happypath.contracts.CloudEventTypes;
import io.happypath.contracts.Topics;
import io.happypath.devstack.JwtTestResource;
import io.happypath.devstack.KafkaBrokerResource;
import io.happypath.identity.messaging.Publisher;
import io.happypath.identity.repository.OutboxMessage;
import io.happypath.identity.service.OutboxService;
import io.happypath.identity.service.ProfileService;
import io.happypath.identity.service.ResolutionService;
import io.happypath.identity.service.ResolutionService.BatchResult;
import io.happypath.identity.service.ResolutionService.RawEvent;
import io.happypath.identity.service.ResolutionService.Rejected;
import io.happypath.identity.service.ResolutionService.Resolved;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;

/**
 * A Kafka poll is resolved in one transaction: events of one batch must see what the events before them did, exactly
 * as if each had its own transaction.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(JwtTestResource.class)
class BatchResolutionTest {

    @Inject
    ResolutionService resolution;

    @Inject
    Publisher publisher;

    @Inject
    ProfileService profiles;

    final String run = UUID.randomUUID().toString().substring(0, 8);

    @Inject
    OutboxService outbox;

    BatchResult resolve(RawEvent... events) throws Throwable {
        BatchResult result = commitOnly(events);
        // published, so that the outbox sweeper has nothing left to do
        VertxContextSupport.subscribeAndAwait(() -> publisher.publish(result.outgoing()));
        return result;
    }

    /** Resolved and committed, not published: as if the process died right after the commit. */
    BatchResult commitOnly(RawEvent... events) throws Throwable {
        return VertxContextSupport.subscribeAndAwait(() -> resolution.resolveBatch(List.of(events)));
    }

    static RawEvent event(String type, String fields) {
        return event(UUID.randomUUID().toString(), type, fields);
    }

    static RawEvent event(String id, String type, String fields) {
        return new RawEvent(id, CloudEventTypes.ofSegmentType(type), "{\"type\":\"" + type + "\",\"messageId\":\""
                + UUID.randomUUID() + "\",\"timestamp\":\"" + Instant.now() + "\"," + fields + "}");
    }

    String owner(String type, String value) throws Throwable {
        return VertxContextSupport.subscribeAndAwait(() -> profiles.lookup(type, value));
    }

    static String profileOf(BatchResult result, int index) {
        return ((Resolved) result.outcomes().get(index)).outgoing().profileId();
    }

    @Test
    void eventsOfOneBatchSeeEachOther() throws Throwable {
        String email = "batch-" + run + "@x.test";
        BatchResult r = resolve(
                event("identify", "\"anonymousId\":\"b1-" + run + "\",\"traits\":{\"email\":\"" + email + "\"}"),
                event("identify", "\"anonymousId\":\"b2-" + run + "\",\"traits\":{\"email\":\"" + email + "\"}"),
                event("track", "\"anonymousId\":\"b2-" + run + "\",\"event\":\"Viewed\""));

        assertThat(List.of(profileOf(r, 0), profileOf(r, 1), profileOf(r, 2))).containsOnly(profileOf(r, 0));
        assertThat(owner("email", email)).isEqualTo(profileOf(r, 0));
        assertThat(owner("anonymous_id", "b2-" + run)).isEqualTo(profileOf(r, 0));
        // created once, then linked; every event stitched, in batch order, after its identity events
        assertThat(r.outgoing().messages()).extracting(OutboxMessage::ceType).containsExactly(
                CloudEventTypes.PROFILE_CREATED, CloudEventTypes.IDENTIFY, CloudEventTypes.IDENTIFIERS_LINKED,
                CloudEventTypes.IDENTIFY, CloudEventTypes.TRACK);
        assertThat(r.outgoing().messages()).allSatisfy(m -> assertThat(m.id()).isNotNull());
    }

    @Test
    void aProfileCreatedEarlierInTheBatchMergesIntoAnOlderOne() throws Throwable {
        String user = "bu-" + run, anon = "ba-" + run;
        BatchResult first = resolve(event("identify", "\"userId\":\"" + user + "\",\"traits\":{\"plan\":\"pro\"}"));
        String older = profileOf(first, 0);

        BatchResult r = resolve(
                event("page", "\"anonymousId\":\"" + anon + "\",\"name\":\"Home\""),
                event("track", "\"anonymousId\":\"" + anon + "\",\"userId\":\"" + user + "\",\"event\":\"Login\""));

        assertThat(profileOf(r, 0)).isNotEqualTo(older);
        assertThat(profileOf(r, 1)).isEqualTo(older);
        assertThat(owner("anonymous_id", anon)).isEqualTo(older);
        assertThat(r.outgoing().invalidate()).extracting(i -> i.value()).contains(anon);
        assertThat(r.outgoing().messages()).extracting(OutboxMessage::ceType).containsSubsequence(
                CloudEventTypes.PROFILE_CREATED, CloudEventTypes.PAGE, CloudEventTypes.PROFILE_MERGED, CloudEventTypes.TRACK);
        ProfileService.ProfileData merged = VertxContextSupport.subscribeAndAwait(() -> profiles.profile(UUID.fromString(
                profileOf(r, 0))));
        assertThat(merged.profile().id.toString()).isEqualTo(older);
        assertThat(merged.mergedFrom()).containsExactly(profileOf(r, 0));
        assertThat(merged.profile().traits).containsEntry("plan", "pro");
    }

    @Test
    void theSameEventTwiceInABatchIsResolvedOnce() throws Throwable {
        String id = UUID.randomUUID().toString();
        RawEvent e = event(id, "identify", "\"anonymousId\":\"dup-" + run + "\",\"traits\":{\"city\":\"Oslo\"}");

        BatchResult r = resolve(e, e);

        assertThat(((Resolved) r.outcomes().get(0)).duplicate()).isFalse();
        assertThat(((Resolved) r.outcomes().get(1)).duplicate()).isTrue();
        assertThat(profileOf(r, 1)).isEqualTo(profileOf(r, 0));
        assertThat(r.outgoing().messages()).filteredOn(m -> Topics.EVENTS.equals(m.topic())).hasSize(1);

        BatchResult again = resolve(e);
        assertThat(((Resolved) again.outcomes().get(0)).duplicate()).isTrue();
        assertThat(again.outgoing().messages()).isEmpty();
    }

    @Test
    void aRedeliveredEventPublishesWhatItsFirstResolutionCommittedButNobodyPublished() throws Throwable {
        RawEvent e = event("identify", "\"anonymousId\":\"crash-" + run + "\",\"traits\":{\"email\":\"crash-" + run
                + "@x.test\"}");
        List<OutboxMessage> committed = commitOnly(e).outgoing().messages();
        assertThat(committed).extracting(OutboxMessage::ceType).containsExactly(CloudEventTypes.PROFILE_CREATED,
                CloudEventTypes.IDENTIFY);

        // While this process is publishing them, a redelivery leaves them to that publish...
        outbox.publishing(committed);
        assertThat(commitOnly(e).outgoing().messages()).isEmpty();
        outbox.released(committed);

        // ...once nobody is, the redelivery publishes them, in its place in the stream, with their ids.
        BatchResult redelivered = resolve(e);
        assertThat(((Resolved) redelivered.outcomes().get(0)).duplicate()).isTrue();
        assertThat(redelivered.outgoing().messages()).extracting(OutboxMessage::ceId)
                .containsExactlyElementsOf(committed.stream().map(OutboxMessage::ceId).toList());
        assertThat(resolve(e).outgoing().messages()).as("published, hence gone from the outbox").isEmpty();
    }

    @Test
    void badEventsAreRejectedInPlaceAndTheOthersResolved() throws Throwable {
        BatchResult r = resolve(
                event("track", "\"anonymousId\":\"ok1-" + run + "\",\"event\":\"A\""),
                new RawEvent(UUID.randomUUID().toString(), CloudEventTypes.TRACK, "{not json"),
                event("track", "\"anonymousId\":\"anonymous\",\"event\":\"B\""),
                event("track", "\"anonymousId\":\"ok2-" + run + "\",\"event\":\"C\""));

        assertThat(r.outcomes().get(0)).isInstanceOf(Resolved.class);
        assertThat(((Rejected) r.outcomes().get(1)).category()).isEqualTo("malformed");
        assertThat(((Rejected) r.outcomes().get(2)).category()).isEqualTo("no_identifier");
        assertThat(r.outcomes().get(3)).isInstanceOf(Resolved.class);
        assertThat(owner("anonymous_id", "ok2-" + run)).isEqualTo(profileOf(r, 3));
    }

    @Test
    void anEventTheDatabaseRefusesIsRejectedAloneAndTheRestOfTheBatchCommits() throws Throwable {
        // links.message_id holds 256 characters: the batch's transaction fails, then each event is resolved alone.
        String tooLong = "m".repeat(300);
        BatchResult r = resolve(
                event("track", "\"anonymousId\":\"fine1-" + run + "\",\"event\":\"A\""),
                new RawEvent(UUID.randomUUID().toString(), CloudEventTypes.TRACK, "{\"type\":\"track\",\"messageId\":\""
                        + tooLong + "\",\"anonymousId\":\"refused-" + run + "\",\"event\":\"B\"}"),
                event("track", "\"anonymousId\":\"fine2-" + run + "\",\"event\":\"C\""));

        assertThat(r.outcomes().get(0)).isInstanceOf(Resolved.class);
        assertThat(((Rejected) r.outcomes().get(1)).category()).isEqualTo("error");
        assertThat(((Rejected) r.outcomes().get(1)).reason()).contains("value too long");
        assertThat(r.outcomes().get(2)).isInstanceOf(Resolved.class);
        assertThat(owner("anonymous_id", "fine1-" + run)).isEqualTo(profileOf(r, 0));
        assertThat(owner("anonymous_id", "fine2-" + run)).isEqualTo(profileOf(r, 2));
        assertThat(owner("anonymous_id", "refused-" + run)).isNull();
    }
}
