package io.happypath.decision.service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.happypath.contracts.decision.ActionRequested;
import io.happypath.contracts.journey.JourneyStalled;
import io.happypath.decision.cache.DecisionRecords;
import io.happypath.decision.domain.Action;
import io.happypath.decision.domain.CompiledAction;
import io.happypath.decision.messaging.DecisionLog;
import io.smallrye.mutiny.Uni;

/**
 * Push mode: a journey event that matches an action's trigger runs the same pipeline (rules, guards, contact
 * policies, arbitration) over the triggered actions for their outbound channel; the winner, if one survives, is
 * requested on {@code hp.actions.v1}. Each journey event is handled once, even when redelivered.
 */
@ApplicationScoped
public class PushService {

    private static final Logger LOG = Logger.getLogger(PushService.class);
    private static final Duration INPUTS_FIRST_BACKOFF = Duration.ofMillis(250);
    private static final Duration INPUTS_MAX_BACKOFF = Duration.ofSeconds(4);
    private static final int INPUTS_RETRIES = 6;

    private final Catalogue catalogue;
    private final DecisionService decisions;
    private final DecisionRecords records;
    private final DecisionLog log;

    public PushService(Catalogue catalogue, DecisionService decisions, DecisionRecords records, DecisionLog log) {
        this.catalogue = catalogue;
        this.decisions = decisions;
        this.records = records;
        this.log = log;
    }

    /**
     * Handles a stall.
     *
     * @param eventId the CloudEvent id, for handling each event once
     * @return how many actions were requested
     */
    public Uni<Integer> onStalled(String eventId, JourneyStalled stalled) {
        return catalogue.snapshot().chain(s -> {
            Map<String, List<Action>> byChannel = new LinkedHashMap<>();
            for (CompiledAction ca : s.actions().values()) {
                for (Action.Trigger t : ca.action().triggers()) {
                    if (t.matchesStall(stalled.journeyId(), stalled.stage()) && !ca.action().channels().isEmpty()) {
                        String channel = t.channel() != null ? t.channel() : ca.action().channels().get(0);
                        byChannel.computeIfAbsent(channel, k -> new ArrayList<>()).add(ca.action());
                    }
                }
            }
            if (byChannel.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            String once = "push:" + eventId;
            return records.markOnce(once).chain(first -> {
                if (!first) {
                    LOG.debugf("journey event %s already handled", eventId);
                    return Uni.createFrom().item(0);
                }
                return pushAll(stalled, byChannel)
                        .onFailure().call(() -> records.unmark(once));
            });
        });
    }

    private Uni<Integer> pushAll(JourneyStalled stalled, Map<String, List<Action>> byChannel) {
        Uni<Integer> chain = Uni.createFrom().item(0);
        for (Map.Entry<String, List<Action>> e : byChannel.entrySet()) {
            chain = chain.chain(n -> push(stalled, e.getKey(), e.getValue()).map(pushed -> n + pushed));
        }
        return chain;
    }

    private Uni<Integer> push(JourneyStalled stalled, String channel, List<Action> triggered) {
        Map<String, Object> context = Map.of("trigger", "journey.stalled", "journey", stalled.journeyId(), "stage",
                stalled.stage());
        DecisionRequest request = new DecisionRequest(stalled.profileId(), null, channel, null, 1, context);
        // The stall is what the triggered actions answer: they compete with each other, not with whatever else the
        // channel could sell this person, and each still passes its rules, the guards and the contact policies.
        Set<String> ids = triggered.stream().map(Action::id).collect(Collectors.toSet());
        // Nobody waits for a push, so it waits for its inputs: deciding without the live state would miss the very
        // stall that triggered it. Still unreadable after the retries → the event goes to the dead-letter topic.
        return decisions.decide(request, a -> ids.contains(a.id()), false)
                .onFailure(DecisionService.InputsUnavailable.class).retry()
                .withBackOff(INPUTS_FIRST_BACKOFF, INPUTS_MAX_BACKOFF).atMost(INPUTS_RETRIES).chain(d -> {
                    if (d.actions().isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    Decision.Shown winner = d.actions().get(0);
                    ActionRequested request1 = new ActionRequested(d.decisionId() + ":" + winner.actionId(),
                            stalled.profileId(), winner.actionId(), channel, winner.content(), d.decisionId(),
                            JourneyStalled.CE_TYPE, Instant.now());
                    return log.actionRequested(request1).replaceWith(1);
                });
    }
}
