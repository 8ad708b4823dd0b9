package io.happypath.identity.cache;

import java.time.Duration;
import java.util.Collection;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.happypath.contracts.identity.Identifier;
import io.happypath.identity.config.IdentityConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;

/**
 * Redis cache of identifier → profileId for lookups ({@code GET /v1/identities/...}, the decision-service's
 * resolve). Entries are deleted when a merge, an undo or an erasure moves or removes an identifier, and expire
 * after a TTL so that a lost invalidation heals. Redis being down never fails a lookup: it falls back to PostgreSQL.
 */
@ApplicationScoped
public class IdentityCache {

    private static final Logger LOG = Logger.getLogger(IdentityCache.class);
    static final String PREFIX = "hp:identity:v1:id:";

    private final ReactiveValueCommands<String, String> values;
    private final ReactiveKeyCommands<String> keys;
    private final Duration ttl;

    public IdentityCache(ReactiveRedisDataSource redis, IdentityConfig config) {
        this.values = redis.value(String.class);
        this.keys = redis.key();
        this.ttl = config.cache().ttl();
    }

    static String key(String type, String value) {
        return PREFIX + type + ":" + value;
    }

    public Uni<String> get(String type, String value) {
        return values.get(key(type, value)).onFailure().recoverWithItem(e -> {
            LOG.debugf("identity cache read failed, using the database: %s", e.getMessage());
            return null;
        });
    }

    public Uni<Void> put(String type, String value, String profileId) {
        return values.set(key(type, value), profileId, new SetArgs().px(ttl)).onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Deletes the entries of {@code identifiers}; a failure is logged (the TTL bounds the staleness). */
    public Uni<Void> invalidate(Collection<Identifier> identifiers) {
        if (identifiers.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String[] k = identifiers.stream().map(i -> key(i.type(), i.value())).toArray(String[]::new);
        return keys.del(k).onFailure().recoverWithItem(e -> {
            LOG.warnf("identity cache invalidation of %d keys failed (entries expire after %s): %s", k.length, ttl,
                    e.getMessage());
            return 0;
        }).replaceWithVoid();
    }
}
