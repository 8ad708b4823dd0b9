package io.happypath.identity.messaging;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.happypath.identity.config.IdentityConfig;
import io.happypath.identity.service.OutboxService;
import io.happypath.identity.service.Outgoing;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Publishes outbox messages that stayed behind (a failed publish, a crash between commit and publish, an erasure
 * whose request ended before Kafka answered). Duplicates are possible and harmless: CloudEvent ids are stable.
 */
@ApplicationScoped
public class OutboxSweeper {

    private static final Logger LOG = Logger.getLogger(OutboxSweeper.class);
    /** Messages per sweep; what is left waits for the next one. */
    static final int MAX_PER_SWEEP = 500;

    private final OutboxService outbox;
    private final Publisher publisher;
    private final IdentityConfig config;

    public OutboxSweeper(OutboxService outbox, Publisher publisher, IdentityConfig config) {
        this.outbox = outbox;
        this.publisher = publisher;
        this.config = config;
    }

    /** Publishes the messages older than {@code happypath.identity.outbox.sweep-age}; a failure waits for the next run. */
    // Delayed by one interval: at start the Kafka channels may not be connected yet.
    @Scheduled(identity = "outbox-sweeper", every = "${happypath.identity.outbox.sweep-interval}", delayed = "${happypath.identity.outbox.sweep-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return outbox.stale(config.outbox().sweepAge(), MAX_PER_SWEEP)
                .chain(rows -> publisher.publish(new Outgoing(null, rows, List.of())))
                .onFailure().recoverWithUni(e -> {
                    LOG.warnf("Outbox sweep failed, next try in %s: %s", config.outbox().sweepInterval(), e.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }
}
