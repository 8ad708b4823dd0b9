package io.happypath.collector.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * The collector's configuration ({@code happypath.collector.*}). Write keys are secrets: in production they come from
 * the environment (e.g. {@code HAPPYPATH_COLLECTOR_SOURCES_WEB_WRITE_KEY} from a Kubernetes Secret).
 */
@ConfigMapping(prefix = "happypath.collector")
public interface CollectorConfig {

    /** The ingestion sources by name ({@code web}, {@code store}, ...): the name is the default channel. */
    Map<String, Source> sources();

    /** Size limits, checked after decompression. */
    Limits limits();

    /** Publishing to Kafka. */
    Publish publish();

    /** Deduplication of {@code (source, messageId)}. */
    Dedup dedup();

    /** One source: who may send with which key, and how fast. */
    interface Source {

        /** The write key clients send (HTTP Basic user name or {@code writeKey} in the body). */
        @WithName("write-key")
        String writeKey();

        /** The channel of its events when a message names none; defaults to the source's name. */
        Optional<String> channel();

        /** Sustained events per second this source may send (per collector replica); bursts up to one second's worth. */
        @WithDefault("5000")
        double rate();
    }

    interface Limits {

        /** Largest message, serialized, in bytes (Segment: 32 KB). */
        @WithDefault("32768")
        int maxMessageBytes();

        /** Largest request body after decompression, in bytes (Segment: 500 KB); also the zip-bomb cap. */
        @WithDefault("512000")
        int maxRequestBytes();

        /** Most messages in one batch. */
        @WithDefault("2500")
        int maxBatchMessages();
    }

    interface Publish {

        /** How long a request waits for the broker's acknowledgement of all its messages before answering 503. */
        @WithDefault("10s")
        Duration timeout();

        /**
         * Most messages of this replica waiting for the broker at once; past it requests get 503 at once instead of
         * piling up in memory (load shedding keeps the heap bounded when Kafka is slower than the clients).
         */
        @WithDefault("10000")
        int maxInFlight();

        /** The {@code Retry-After} of a 503. */
        @WithDefault("5s")
        Duration retryAfter();

        /**
         * Most ingestion requests this replica serves at once, from arrival to answer. One more is answered 503 with
         * {@code Retry-After} at once, before its body is read or parsed: offered more than it can take, the collector
         * keeps serving what it admitted at full speed instead of spending its CPU on parsing requests it cannot
         * finish in time.
         */
        @WithDefault("64")
        int maxRequestsInProgress();
    }

    interface Dedup {

        /** How long a published {@code (source, messageId)} is remembered. */
        @WithDefault("24h")
        Duration ttl();

        /** Redis key prefix, owned by this service. */
        @WithDefault("collector:dedup:")
        String keyPrefix();
    }
}
