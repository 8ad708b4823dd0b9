package io.happypath.identity.service;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.happypath.identity.config.IdentityConfig;
import io.happypath.identity.repository.GraphStore;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Keeps the idempotency table {@code processed_events} bounded: ids of raw events resolved longer ago than
 * {@code happypath.identity.processed-events.retention} are deleted, a chunk per statement, on a schedule. Every
 * replica runs it; deleting the same old rows twice is harmless.
 */
@ApplicationScoped
public class ProcessedEventsPruner {

    private static final Logger LOG = Logger.getLogger(ProcessedEventsPruner.class);

    private final GraphStore store;
    private final IdentityConfig config;

    public ProcessedEventsPruner(GraphStore store, IdentityConfig config) {
        this.store = store;
        this.config = config;
    }

    @Scheduled(identity = "processed-events-pruner", every = "${happypath.identity.processed-events.prune-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return prune().replaceWithVoid().onFailure().recoverWithUni(e -> {
            LOG.warnf("Pruning processed events failed, next try in %s: %s",
                    config.processedEvents().pruneInterval(), e.getMessage());
            return Uni.createFrom().voidItem();
        });
    }

    /** Deletes every record older than the retention; returns how many. */
    public Uni<Long> prune() {
        Instant before = Instant.now().minus(config.processedEvents().retention());
        return pruneFrom(before, 0L).invoke(n -> {
            if (n > 0) {
                LOG.infof("Pruned %d processed-event records older than %s", n, before);
            }
        });
    }

    private Uni<Long> pruneFrom(Instant before, long sofar) {
        int chunk = config.processedEvents().pruneChunk();
        return store.pruneProcessed(before, chunk)
                .chain(n -> n < chunk ? Uni.createFrom().item(sofar + n) : pruneFrom(before, sofar + n));
    }
}
