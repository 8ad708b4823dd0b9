package io.happypath.decision.domain;

import java.nio.charset.StandardCharsets;

/** Deterministic hashing of keys to [0, 1) for experiment and holdout assignment (stable across replicas). */
public final class Hashing {

    private Hashing() {
    }

    /** FNV-1a over UTF-8 with a SplitMix64 finaliser for avalanche; the top 53 bits as a proportion. */
    public static double toProportion(String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 30;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 27;
        h *= 0x94d049bb133111ebL;
        h ^= h >>> 31;
        return (h >>> 11) * 0x1.0p-53;
    }
}
