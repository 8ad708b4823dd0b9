package io.happypath.journey.state;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * Runs Lua scripts by their SHA1 (EVALSHA), alone or in a pipeline with other commands. When Redis does not know a
 * script yet (NOSCRIPT: a restart, a fail-over), every script used so far is loaded and the call is made once more.
 */
final class Scripts {

    private final Redis redis;
    /** script → sha1 of every script used so far. */
    private final Map<String, String> shas = new ConcurrentHashMap<>();

    Scripts(Redis redis) {
        this.redis = redis;
    }

    /** An EVALSHA request for {@code script}, to run alone or in a pipeline. */
    Request evalsha(String script, List<String> keys, List<String> args) {
        Request r = Request.cmd(Command.EVALSHA).arg(shas.computeIfAbsent(script, Scripts::sha1)).arg(keys.size());
        keys.forEach(r::arg);
        args.forEach(r::arg);
        return r;
    }

    Uni<Response> eval(String script, List<String> keys, List<String> args) {
        return batch(List.of(evalsha(script, keys, args))).map(responses -> responses.get(0));
    }

    /**
     * Sends the requests in one pipeline (one round trip). Fails when any of them failed; the requests must therefore
     * be safe to send again (scripts that compare versions, idempotent commands).
     */
    Uni<List<Response>> batch(List<Request> requests) {
        if (requests.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return redis.batch(requests)
                .onFailure(Scripts::noScript).recoverWithUni(() -> loadAll().chain(() -> redis.batch(requests)));
    }

    private Uni<Void> loadAll() {
        List<Request> loads = shas.keySet().stream().map(s -> Request.cmd(Command.SCRIPT).arg("LOAD").arg(s)).toList();
        return redis.batch(loads).replaceWithVoid();
    }

    private static boolean noScript(Throwable t) {
        return t.getMessage() != null && t.getMessage().contains("NOSCRIPT");
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
