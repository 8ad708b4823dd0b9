package io.happypath.journey.state;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/** Runs Lua scripts by their SHA1 (EVALSHA), loading them with EVAL when Redis does not know them yet. */
final class Scripts {

    private final ReactiveRedisDataSource redis;
    private final Map<String, String> shas = new ConcurrentHashMap<>();

    Scripts(ReactiveRedisDataSource redis) {
        this.redis = redis;
    }

    Uni<Response> eval(String script, List<String> keys, List<String> args) {
        String sha = shas.computeIfAbsent(script, Scripts::sha1);
        return redis.execute("EVALSHA", command(sha, keys, args))
                .onFailure(t -> t.getMessage() != null && t.getMessage().startsWith("NOSCRIPT"))
                .recoverWithUni(() -> redis.execute("EVAL", command(script, keys, args)));
    }

    private static String[] command(String first, List<String> keys, List<String> args) {
        List<String> all = new ArrayList<>(2 + keys.size() + args.size());
        all.add(first);
        all.add(Integer.toString(keys.size()));
        all.addAll(keys);
        all.addAll(args);
        return all.toArray(String[]::new);
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
