package io.happypath.collector.rest;

import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.happypath.collector.config.CollectorConfig;
import io.happypath.collector.service.IngestMetrics;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Load shedding at the door: an ingestion request ({@code POST /v1/...}) that arrives while
 * {@code happypath.collector.publish.max-requests-in-progress} others are being served is answered {@code 503} with
 * {@code Retry-After} at once, before its body is decompressed or parsed, and nothing of it is kept. Offered
 * more than it can take, the collector goes on serving what it admitted at the speed it can, instead of spending its
 * CPU on parsing requests that the in-flight limit (after parsing) or the client's timeout would throw away.
 * Preflights, health and metrics are never gated.
 */
@ApplicationScoped
public class AdmissionGate {

    /* Runs after the HTTP layer's own filters (CORS, metrics), so that a shed request is counted and carries CORS. */
    private static final int PRIORITY = 1;

    private final AtomicInteger inProgress = new AtomicInteger();
    private final int maxInProgress;
    private final long retryAfterSeconds;
    private final IngestMetrics metrics;

    public AdmissionGate(CollectorConfig config, IngestMetrics metrics) {
        this.maxInProgress = config.publish().maxRequestsInProgress();
        this.retryAfterSeconds = Math.max(1, config.publish().retryAfter().toSeconds());
        this.metrics = metrics;
    }

    void register(@Observes Filters filters) {
        filters.register(this::admit, PRIORITY);
    }

    void admit(RoutingContext rc) {
        if (rc.request().method() != HttpMethod.POST || !rc.normalizedPath().startsWith("/v1/")) {
            rc.next();
            return;
        }
        if (inProgress.incrementAndGet() > maxInProgress) {
            inProgress.decrementAndGet();
            metrics.shed();
            String body = new JsonObject().put("error", "overloaded").put("message", "The collector is serving "
                    + maxInProgress + " requests already; nothing of this one was stored: retry after "
                    + retryAfterSeconds + " s.").put("details", new JsonArray()).encode();
            // The body is discarded as it arrives (no parsing), so that the connection stays usable.
            rc.request().handler(ignored -> {
            }).resume();
            rc.response().setStatusCode(503).putHeader("Retry-After", Long.toString(retryAfterSeconds))
                    .putHeader("Content-Type", "application/json").end(body);
            return;
        }
        rc.addEndHandler(done -> inProgress.decrementAndGet());
        rc.next();
    }
}
