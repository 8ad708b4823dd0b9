package io.happypath.identity.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.happypath.identity.config.IdentityConfig;
import io.happypath.identity.service.OutboxService;
import io.happypath.identity.service.Outgoing;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Publishes outbox messages that stayed behind (a failed publish, a crash between commit and publish, an erasure
 * whose request ended before Kafka answered). Duplicates are possible and harmless: CloudEvent ids are stable.
 */
@ApplicationScoped
public class OutboxSweeper {

    private static final Logger LOG = Logger.getLogger(OutboxSweeper.class);

    private final Vertx vertx;
    private final OutboxService outbox;
    private final Publisher publisher;
    private final IdentityConfig config;
    private long timer = -1;

    public OutboxSweeper(Vertx vertx, OutboxService outbox, Publisher publisher, IdentityConfig config) {
        this.vertx = vertx;
        this.outbox = outbox;
        this.publisher = publisher;
        this.config = config;
    }

    void start(@Observes StartupEvent ev) {
        timer = vertx.setPeriodic(config.outbox().sweepInterval().toMillis(), t -> sweep());
    }

    void stop(@Observes ShutdownEvent ev) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private void sweep() {
        // Hibernate Reactive needs a safe duplicated context, as a request or a Kafka record has.
        Context context = VertxContext.getOrCreateDuplicatedContext(vertx);
        VertxContextSafetyToggle.setContextSafe(context, true);
        context.runOnContext(v -> outbox.stale(config.outbox().sweepAge(), 500)
                .chain(rows -> publisher.publish(new Outgoing(null, rows, java.util.List.of())))
                .subscribe().with(x -> {
                }, e -> LOG.warnf("Outbox sweep failed, next try in %s: %s", config.outbox().sweepInterval(),
                        e.getMessage())));
    }
}
