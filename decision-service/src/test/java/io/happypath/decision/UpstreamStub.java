package io.happypath.decision;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

/**
 * Stands in for identity-service and journey-state-service over their REST contract (API.md) on a free port. Tests
 * register profiles over HTTP ({@code PUT /_stub/profiles/{id}} with {@code profile}, {@code state},
 * {@code identifiers}, {@code delayMs}, {@code stateDelayMs}, {@code stateFailures}: how many state reads answer
 * {@code 503} first), which works whatever class loader runs the test.
 */
public class UpstreamStub implements QuarkusTestResourceLifecycleManager {

    private Vertx vertx;
    private final Map<String, JsonObject> profiles = new ConcurrentHashMap<>();
    private final Map<String, String> identities = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> stateFailures = new ConcurrentHashMap<>();

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        try {
            HttpServer server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            String url = "http://127.0.0.1:" + server.actualPort();
            return Map.of("quarkus.rest-client.identity.url", url, "quarkus.rest-client.journey.url", url,
                    "happypath.test.upstream-stub.url", url);
        } catch (Exception e) {
            throw new IllegalStateException("upstream stub did not start", e);
        }
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    private void handle(HttpServerRequest req) {
        String[] p = req.path().split("/");
        if (req.path().startsWith("/_stub/profiles/") && p.length == 4) {
            req.body().onSuccess(buf -> {
                JsonObject def = buf.toJsonObject();
                profiles.put(p[3], def);
                stateFailures.put(p[3], new AtomicInteger(def.getInteger("stateFailures", 0)));
                JsonObject ids = def.getJsonObject("identifiers", new JsonObject());
                ids.forEach(e -> identities.put(e.getKey() + "/" + e.getValue(), p[3]));
                req.response().setStatusCode(204).end();
            });
            return;
        }
        // /v1/identities/{type}/{value}
        if (p.length == 5 && "identities".equals(p[2])) {
            String id = identities.get(p[3] + "/" + p[4]);
            if (id == null) {
                notFound(req);
            } else {
                delayed(req, profiles.get(id).getLong("delayMs", 0L), new JsonObject().put("profileId", id));
            }
            return;
        }
        // /v1/profiles/{id} and /v1/profiles/{id}/state
        if (p.length >= 4 && "profiles".equals(p[2])) {
            JsonObject def = profiles.get(p[3]);
            if (def == null) {
                notFound(req);
            } else if (p.length == 4) {
                JsonObject profile = def.getJsonObject("profile", new JsonObject()).copy().put("profileId", p[3]);
                delayed(req, def.getLong("delayMs", 0L), profile);
            } else if (stateFailures.get(p[3]).getAndDecrement() > 0) {
                req.response().setStatusCode(503).putHeader("content-type", "application/json")
                        .end("{\"error\":\"unavailable\",\"message\":\"stub failure\"}");
            } else {
                JsonObject state = def.getJsonObject("state", new JsonObject()).copy().put("profileId", p[3]);
                delayed(req, def.getLong("stateDelayMs", 0L), state);
            }
            return;
        }
        notFound(req);
    }

    private void delayed(HttpServerRequest req, long delayMs, JsonObject body) {
        Runnable send = () -> req.response().putHeader("content-type", "application/json").end(body.encode());
        if (delayMs > 0) {
            vertx.setTimer(delayMs, t -> send.run());
        } else {
            send.run();
        }
    }

    private static void notFound(HttpServerRequest req) {
        req.response().setStatusCode(404).putHeader("content-type", "application/json")
                .end("{\"error\":\"not_found\",\"message\":\"unknown\"}");
    }
}
