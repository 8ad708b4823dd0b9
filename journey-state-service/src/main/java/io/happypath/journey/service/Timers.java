package io.happypath.journey.service;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.happypath.journey.config.JourneyConfig;
import io.happypath.journey.state.StateStore;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Fires due stall timers. Every replica polls; a Lua script hands each due timer to exactly one claimer with a
 * lease. The claimer applies the stall (idempotent per timer) and publishes, then confirms; a claimer that dies
 * before confirming loses its lease and another replica fires the timer (same CloudEvent id, so at most one
 * {@code journey.stalled} reaches consumers that deduplicate, and exactly one state change).
 */
@ApplicationScoped
public class Timers {

    private static final Logger LOG = Logger.getLogger(Timers.class);

    private final StateStore store;
    private final StateService state;
    private final JourneyConfig config;
    private final Clock clock = Clock.systemUTC();

    public Timers(StateStore store, StateService state, JourneyConfig config) {
        this.store = store;
        this.state = state;
        this.config = config;
    }

    @Scheduled(every = "${happypath.journey.timers-poll:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> poll() {
        return fireDue().onFailure().invoke(t -> LOG.warnf("Firing stall timers failed, retrying at the next poll: %s",
                t.getMessage())).onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Claims and fires the due timers; returns how many this caller fired. */
    public Uni<Integer> fireDue() {
        return store.claimDueTimers(clock.millis(), config.timersLease().toMillis(), config.timersBatch())
                .onItem().transformToMulti(members -> Multi.createFrom().iterable(members))
                .onItem().transformToUniAndConcatenate(member -> state.fireTimer(member)
                        .chain(() -> store.timerDone(member)).replaceWith(1))
                .collect().asList().map(List -> List.size());
    }
}
