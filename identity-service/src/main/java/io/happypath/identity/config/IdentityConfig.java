package io.happypath.identity.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    /** How phone identifiers are normalised. */
    Phone phone();

    /** The idempotency record: which raw events were resolved already. */
    ProcessedEvents processedEvents();

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

    interface Phone {

        /**
         * The ISO 3166-1 alpha-2 region (e.g. {@code US}, {@code DE}) of phone numbers written without a country code;
         * they become E.164 in that region. Without it such numbers are kept as digits only.
         */
        Optional<String> defaultRegion();
    }

    interface ProcessedEvents {

        /**
         * How long the id of a resolved raw event is remembered. A raw event redelivered after that is resolved again
         * (new links, a second stitched copy): keep it longer than {@code hp.events.raw.v1}'s retention and any
         * replay you may run.
         */
        @WithDefault("P7D")
        Duration retention();

        /** How often older ids are deleted (a Quarkus scheduler interval such as {@code 1h} or {@code PT10M}). */
        @WithDefault("1h")
        String pruneInterval();

        /** Ids deleted per statement, so that one prune never holds a long transaction. */
        @WithDefault("10000")
        int pruneChunk();
    }
}
