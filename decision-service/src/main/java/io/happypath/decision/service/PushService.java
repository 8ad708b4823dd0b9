package io.happypath.decision.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * policies, arbitration) for the action's outbound channel; if a triggered action wins, it is requested on
 * {@code hp.actions.v1}. Each journey event is handled once, even when redelivered.
 */
@ApplicationScoped
public class PushService {

    private static final Logger LOG = Logger.getLogger(PushService.class);

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
        return decisions.decide(request).chain(d -> {
            if (d.actions().isEmpty()) {
                return Uni.createFrom().item(0);
            }
            Decision.Shown winner = d.actions().get(0);
            if (triggered.stream().noneMatch(a -> a.id().equals(winner.actionId()))) {
                return Uni.createFrom().item(0);
            }
            ActionRequested request1 = new ActionRequested(d.decisionId() + ":" + winner.actionId(),
                    stalled.profileId(), winner.actionId(), channel, winner.content(), d.decisionId(),
                    JourneyStalled.CE_TYPE, Instant.now());
            return log.actionRequested(request1).replaceWith(1);
        });
    }
}
