package io.happypath.analytics;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import io.happypath.contracts.CloudEventTypes;
import io.happypath.contracts.Topics;
import io.happypath.devstack.KafkaBrokerResource;
import io.happypath.devstack.KafkaTestClient;

/**
 * Sends the CloudEvents the other services publish, through the real broker, for a test's generated data set.
 * Each instance works in its own day far from the present, so tests that share the database never see each
 * other's data in their time range.
 */
final class Traffic implements AutoCloseable {

    final KafkaTestClient kafka = new KafkaTestClient(KafkaBrokerResource.bootstrapServers());
    /** Start of this data set's own day. */
    final Instant day;
    final String run = UUID.randomUUID().toString().substring(0, 8);

    Traffic() {
        long dayIndex = (System.currentTimeMillis() / 10 + ThreadLocalRandom.current().nextInt(1000)) % 2_000_000;
        day = Instant.parse("3000-01-01T00:00:00Z").plus(Duration.ofDays(dayIndex));
    }

    /** The query parameters {@code from} and {@code to} covering this data set's day. */
    String from() {
        return day.toString();
    }

    String to() {
        return day.plus(Duration.ofDays(1)).toString();
    }

    Instant at(long minutes) {
        return day.plus(Duration.ofMinutes(minutes));
    }

    /** A stitched track event on hp.events.v1; returns its CloudEvent id. */
    String track(String profileId, String channel, String event, Instant at) {
        String id = UUID.randomUUID().toString();
        track(id, profileId, channel, event, at);
        return id;
    }

    void track(String id, String profileId, String channel, String event, Instant at) {
        String json = """
                {"type":"track","messageId":"%s","event":"%s","profileId":"%s","source":"%s","timestamp":"%s",\
                "receivedAt":"%s","properties":{}}""".formatted(id, event, profileId, channel, at, at);
        kafka.sendCloudEvent(Topics.EVENTS, profileId, id, CloudEventTypes.TRACK, "/" + channel, json);
    }

    void page(String profileId, String channel, Instant at) {
        String id = UUID.randomUUID().toString();
        String json = """
                {"type":"page","messageId":"%s","name":"Home","profileId":"%s","source":"%s","timestamp":"%s"}"""
                .formatted(id, profileId, channel, at);
        kafka.sendCloudEvent(Topics.EVENTS, profileId, id, CloudEventTypes.PAGE, "/" + channel, json);
    }

    void stageEntered(String id, String profileId, String journeyId, String stage, String channel, Instant at) {
        String json = """
                {"profileId":"%s","journeyId":"%s","stage":"%s","onHappyPath":true,"channel":"%s","event":"e","at":"%s"}"""
                .formatted(profileId, journeyId, stage, channel, at);
        kafka.sendCloudEvent(Topics.JOURNEY, profileId, id, CloudEventTypes.STAGE_ENTERED, "/happypath/journey-state-service",
                json);
    }

    String stageEntered(String profileId, String journeyId, String stage, String channel, Instant at) {
        String id = UUID.randomUUID().toString();
        stageEntered(id, profileId, journeyId, stage, channel, at);
        return id;
    }

    void stalled(String profileId, String journeyId, String stage, Instant since, Instant at) {
        String json = """
                {"profileId":"%s","journeyId":"%s","stage":"%s","since":"%s","expectedWithin":"PT48H","at":"%s"}"""
                .formatted(profileId, journeyId, stage, since, at);
        kafka.sendCloudEvent(Topics.JOURNEY, profileId, UUID.randomUUID().toString(), CloudEventTypes.JOURNEY_STALLED,
                "/happypath/journey-state-service", json);
    }

    /** A decision with one chosen action and one suppressed ad, in an experiment variant. */
    String decision(String profileId, String experimentId, String variant, Instant at) {
        return decision(profileId, experimentId, variant, null, at);
    }

    /** The same, stating the variant's configured share of the experiment (none when {@code share} is null). */
    String decision(String profileId, String experimentId, String variant, Double share, Instant at) {
        String decisionId = UUID.randomUUID().toString();
        String json = """
                {"decisionId":"%s","profileId":"%s","channel":"web","placement":"home-hero",\
                "actions":[{"actionId":"activation-help","priority":0.5,"propensity":0.1}],\
                "suppressed":[{"actionId":"new-phone-ad","reason":"open service issue: openServiceIssue"}],\
                "experiment":{"id":"%s","variant":"%s"%s},"degraded":false,"at":"%s"}"""
                .formatted(decisionId, profileId, experimentId, variant, share == null ? "" : ",\"share\":" + share,
                        at);
        kafka.sendCloudEvent(Topics.DECISIONS, profileId, UUID.randomUUID().toString(), CloudEventTypes.DECISION_MADE,
                "/happypath/decision-service", json);
        return decisionId;
    }

    void outcome(String decisionId, String profileId, String outcome, Instant at) {
        outcome(decisionId, profileId, "activation-help", outcome, at);
    }

    void outcome(String decisionId, String profileId, String actionId, String outcome, Instant at) {
        String json = """
                {"decisionId":"%s","profileId":"%s","actionId":"%s","outcome":"%s","channel":"web","at":"%s"}"""
                .formatted(decisionId, profileId, actionId, outcome, at);
        kafka.sendCloudEvent(Topics.DECISIONS, profileId, UUID.randomUUID().toString(), CloudEventTypes.DECISION_OUTCOME,
                "/happypath/decision-service", json);
    }

    /**
     * A decision outside experiments that showed {@code shown} and left out each {@code suppressed} action (id → the
     * reason, as decision-service words it); returns the decision id.
     */
    String decision(String profileId, List<String> shown, Map<String, String> suppressed, Instant at) {
        String decisionId = UUID.randomUUID().toString();
        String actions = shown.stream().map(a -> "{\"actionId\":\"%s\",\"priority\":0.5,\"propensity\":0.1}".formatted(a))
                .collect(Collectors.joining(","));
        String suppressions = suppressed.entrySet().stream()
                .map(e -> "{\"actionId\":\"%s\",\"reason\":\"%s\"}".formatted(e.getKey(), e.getValue()))
                .collect(Collectors.joining(","));
        String json = """
                {"decisionId":"%s","profileId":"%s","channel":"web","placement":"home-hero","actions":[%s],\
                "suppressed":[%s],"degraded":false,"at":"%s"}""".formatted(decisionId, profileId, actions, suppressions, at);
        kafka.sendCloudEvent(Topics.DECISIONS, profileId, UUID.randomUUID().toString(), CloudEventTypes.DECISION_MADE,
                "/happypath/decision-service", json);
        return decisionId;
    }

    /** A profile entered ({@code entered}) or left a segment, on hp.journey.v1. */
    void segmentChanged(String profileId, String segmentId, boolean entered, Instant at) {
        String json = """
                {"profileId":"%s","segmentId":"%s","entered":%s,"at":"%s"}""".formatted(profileId, segmentId, entered, at);
        kafka.sendCloudEvent(Topics.JOURNEY, profileId, UUID.randomUUID().toString(), CloudEventTypes.SEGMENT_CHANGED,
                "/happypath/journey-state-service", json);
    }

    void merged(String survivor, String merged, Instant at) {
        String json = """
                {"profileId":"%s","mergedProfileIds":["%s"],"mergeId":"%s","rule":"email","at":"%s"}"""
                .formatted(survivor, merged, UUID.randomUUID(), at);
        kafka.sendCloudEvent(Topics.IDENTITY, survivor, UUID.randomUUID().toString(), CloudEventTypes.PROFILE_MERGED,
                "/happypath/identity-service", json);
    }

    void erased(String profileId, Instant at) {
        String json = """
                {"profileId":"%s","at":"%s"}""".formatted(profileId, at);
        kafka.sendCloudEvent(Topics.IDENTITY, profileId, UUID.randomUUID().toString(), CloudEventTypes.PROFILE_ERASED,
                "/happypath/identity-service", json);
    }

    @Override
    public void close() {
        kafka.close();
    }
}
