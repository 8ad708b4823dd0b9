package io.happypath.journey.service;

import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.happypath.journey.config.JourneyConfig;
import io.happypath.journey.state.StateStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Re-evaluates every existing profile's segment membership when the segment set changes (a segment created, changed
 * or deleted), instead of waiting for each profile's next event.
 *
 * <p>
 * A change asks for a back-fill of the new segment set (named by {@link DefinitionRegistry#segmentsFingerprint()})
 * in a Redis hash. Every replica polls; once the request is older than {@code backfill-delay} (every replica has
 * loaded the new definitions by then) one replica takes a lease, reloads the definitions and SCANs the state keys in
 * batches: each batch is read in one pipelined round trip, every membership change is stored with its counters
 * (compare-and-set) and published as {@code segment.changed}. The cursor is saved after each batch, so a replica that
 * dies is replaced, after its lease expires, from where it stopped. A batch done twice changes nothing the second
 * time (membership already right), and what it stored but did not publish is published then. A newer change during a
 * back-fill stops it; the next poll starts over for the newer set.
 */
@ApplicationScoped
public class SegmentBackfill {

    private static final Logger LOG = Logger.getLogger(SegmentBackfill.class);

    private enum Step {
        CONTINUE, DONE, STOPPED
    }

    private final StateStore store;
    private final StateService state;
    private final DefinitionService definitions;
    private final DefinitionRegistry registry;
    private final JourneyConfig config;
    private final Counter scanned;
    private final Counter changed;
    private final Clock clock = Clock.systemUTC();
    /** This replica, as the lease owner. */
    private final String owner = UUID.randomUUID().toString();

    public SegmentBackfill(StateStore store, StateService state, DefinitionService definitions, DefinitionRegistry registry,
            JourneyConfig config, MeterRegistry metrics) {
        this.store = store;
        this.state = state;
        this.definitions = definitions;
        this.registry = registry;
        this.config = config;
        this.scanned = Counter.builder("happypath.journey.segments.backfill.profiles")
                .description("Profiles whose segment membership a back-fill re-evaluated").register(metrics);
        this.changed = Counter.builder("happypath.journey.segments.backfill.changes")
                .description("Profiles whose segment membership a back-fill changed").register(metrics);
    }

    @Scheduled(every = "${happypath.journey.backfill-poll:2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> poll() {
        return runPending().onFailure().invoke(t -> LOG.warnf("Segment back-fill failed, retrying at the next poll: %s",
                t.getMessage())).onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Runs the pending back-fill, if one is due and no other replica holds it; true when this call finished one. */
    public Uni<Boolean> runPending() {
        long leaseMillis = config.backfillLease().toMillis();
        return store.backfillJob().flatMap(job -> {
            if (!job.pending() || clock.millis() < job.requestedAt() + config.backfillDelay().toMillis()) {
                return Uni.createFrom().item(false);
            }
            return store.leaseBackfill(owner, leaseMillis).flatMap(mine -> {
                if (!mine) {
                    return Uni.createFrom().item(false);
                }
                return definitions.reload().flatMap(v -> {
                    String run = registry.segmentsFingerprint();
                    if (run.equals(job.done())) {
                        // Asked for a set that is done already (a replica reloaded before a newer change): settle it.
                        return store.backfillProgress(owner, leaseMillis, run, job.request(), "0");
                    }
                    boolean resume = run.equals(job.runFor()) && job.cursor() != null && !"0".equals(job.cursor());
                    String start = resume ? job.cursor() : "0";
                    LOG.infof("Segment back-fill %s %s (%d segments)", run, resume ? "resumes" : "starts",
                            registry.segments().size());
                    return scan(run, job.request(), start, leaseMillis);
                });
            });
        });
    }

    private Uni<Boolean> scan(String run, String requestAtStart, String start, long leaseMillis) {
        AtomicReference<String> cursor = new AtomicReference<>(start);
        int[] totals = {0, 0};
        return Multi.createBy().repeating()
                .uni(() -> store.scanStates(cursor.get(), config.backfillBatch()).flatMap(
                        scan -> state.reevaluateSegments(scan.profileIds(), run).flatMap(n -> {
                            scanned.increment(scan.profileIds().size());
                            changed.increment(n);
                            totals[0] += scan.profileIds().size();
                            totals[1] += n;
                            return store.backfillProgress(owner, leaseMillis, run, requestAtStart, scan.cursor())
                                    .map(ok -> {
                                        if (!ok) {
                                            return Step.STOPPED;
                                        }
                                        cursor.set(scan.cursor());
                                        return "0".equals(scan.cursor()) ? Step.DONE : Step.CONTINUE;
                                    });
                        })))
                .whilst(step -> step == Step.CONTINUE)
                .collect().last()
                .map(last -> {
                    if (last == Step.DONE) {
                        LOG.infof("Segment back-fill %s done: %d profiles re-evaluated, %d changed", run, totals[0],
                                totals[1]);
                        return true;
                    }
                    LOG.infof("Segment back-fill %s stopped after %d profiles (another change, or the lease was lost)",
                            run, totals[0]);
                    return false;
                });
    }
}
