package io.happypath.identity.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.happypath.identity.domain.IdentityRules;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Configuration of identity-service ({@code happypath.identity.*}). */
@ConfigMapping(prefix = "happypath.identity")
public interface IdentityConfig {

    /** The identity rules of ALGORITHMS.md: blocked values, limits per type and window, priorities. */
    Rules rules();

    /** The Redis cache of identifier to profileId. */
    Cache cache();

    /** The transactional outbox. */
    Outbox outbox();

    interface Rules {

        /** Values that never become identifiers (case-insensitive), e.g. {@code null}, {@code anonymous}. */
        @WithDefault("null,undefined,anonymous,-1,none,nil,n/a,unknown,test@test.com,test@example.com")
        Set<String> blockedValues();

        /** Regular expressions of values that never become identifiers (whole value). */
        @WithDefault("^[0-]*$")
        List<String> blockedPatterns();

        /** Limit per identifier type, {@code <max>[/<window>]} with window ever, annually, monthly or weekly. */
        Map<String, String> limits();

        /** The limit of a type without its own. */
        @WithDefault("5/ever")
        String defaultLimit();

        /** Priority per identifier type; 1 is the most important, the least important is dropped first. */
        Map<String, Integer> priorities();

        /** The priority of a type without its own. */
        @WithDefault("100")
        int defaultPriority();

        default IdentityRules toRules() {
            return IdentityRules.of(blockedValues(), blockedPatterns(), limits(), defaultLimit(), priorities(),
                    defaultPriority());
        }
    }

    interface Cache {

        /** How long a cached identifier → profileId entry lives; bounds staleness if an invalidation is lost. */
        @WithDefault("PT5M")
        Duration ttl();
    }

    interface Outbox {

        /** Outbox messages older than this were left by a failed publish or a crash; the sweeper sends them. */
        @WithDefault("PT30S")
        Duration sweepAge();

        /** How often the sweeper looks. */
        @WithDefault("PT10S")
        Duration sweepInterval();
    }
}
