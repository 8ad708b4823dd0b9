package io.happypath.collector.service;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.happypath.collector.config.CollectorConfig;
import io.happypath.collector.domain.Source;
import io.happypath.collector.domain.TokenBucket;

/** The configured sources by write key, with one rate-limit bucket each (per collector replica). */
@ApplicationScoped
public class Sources {

    private final Map<String, Source> byWriteKey = new HashMap<>();
    private final Map<String, TokenBucket> buckets = new HashMap<>();
    private final Set<String> channels = new HashSet<>();

    public Sources(CollectorConfig config) {
        long now = System.nanoTime();
        config.sources().forEach((name, s) -> {
            Source source = new Source(name, s.channel().orElse(name), s.rate());
            if (byWriteKey.put(s.writeKey(), source) != null) {
                throw new IllegalStateException("Write key of source '" + name + "' is used by another source");
            }
            buckets.put(name, new TokenBucket(s.rate(), now));
            channels.add(name);
            channels.add(source.channel());
        });
    }

    /** The source a write key names. */
    public Optional<Source> byWriteKey(String writeKey) {
        return Optional.ofNullable(byWriteKey.get(writeKey));
    }

    /**
     * Takes {@code events} from the source's allowance.
     *
     * @return 0 if allowed, else nanoseconds until it would be
     */
    public long takeRate(Source source, int events) {
        return buckets.get(source.name()).tryTake(events, System.nanoTime());
    }

    /** A channel name safe as a metric tag: a configured source or channel, else {@code other}. */
    public String channelTag(String channel) {
        return channel != null && channels.contains(channel) ? channel : "other";
    }
}
