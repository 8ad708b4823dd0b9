package io.happypath.journey.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Recognises causes a profile's state has already absorbed, so that applying one again changes nothing. Two
 * mechanisms, both kept in the state itself (memory bounded by the number of profiles, not by the event rate):
 * <ul>
 * <li>a <b>watermark per Kafka topic-partition</b>: the highest offset (and record timestamp) applied. Kafka keeps a
 * partition's order and a profile's events share a partition (key = profileId), so a record at or below the
 * watermark was applied before: this catches every consumer-side redelivery (restart, rebalance) however many events
 * came in between. The record timestamp must not be newer than the watermark's either, so that a recreated topic
 * (offsets starting again at 0, new timestamps) is not mistaken for a replay;</li>
 * <li>a <b>window of the last n cause ids</b> (CloudEvent ids, as 72-bit digests): catches a cause published twice as
 * two records (a producer retrying after a crash), stall timers fired twice, merges and erasures.</li>
 * </ul>
 * Anything older than both is still stopped from moving a stage backwards by the late-event rule of
 * {@link StateMachine}.
 */
public final class Redeliveries {

    /** Where an event was read from: a Kafka topic-partition, the offset and the record timestamp (epoch ms). */
    public record Position(String topic, int partition, long offset, long timestamp) {

        String key() {
            return topic + "/" + partition;
        }
    }

    private Redeliveries() {
    }

    /** True when {@code state} has absorbed this cause (or this Kafka record) before. */
    public static boolean seen(ProfileState state, String causeId, Position position) {
        if (contains(state.internalSeen, digest(causeId))) {
            return true;
        }
        if (position == null) {
            return false;
        }
        ProfileState.Watermark w = state.internalWatermarks.get(position.key());
        return w != null && position.offset() <= w.offset() && position.timestamp() <= w.timestamp();
    }

    /** Records that {@code state} absorbed this cause (read at {@code position}, if it came from Kafka). */
    public static void record(ProfileState state, String causeId, Position position, int window) {
        String seen = state.internalSeen == null || state.internalSeen.isEmpty()
                ? digest(causeId)
                : state.internalSeen + " " + digest(causeId);
        int excess = (seen.length() + 1) / (DIGEST_LENGTH + 1) - Math.max(1, window);
        state.internalSeen = excess > 0 ? seen.substring(excess * (DIGEST_LENGTH + 1)) : seen;
        if (position != null) {
            state.internalWatermarks.merge(position.key(), new ProfileState.Watermark(position.offset(), position.timestamp()),
                    (a, b) -> new ProfileState.Watermark(Math.max(a.offset(), b.offset()),
                            Math.max(a.timestamp(), b.timestamp())));
        }
    }

    /**
     * Adds the cause ids {@code merged} absorbed to {@code survivor}'s window (the newest {@code window} kept), so that
     * a redelivery of an event the merged profile had applied is not applied to the survivor again.
     */
    public static void absorb(ProfileState survivor, ProfileState merged, int window) {
        if (merged.internalSeen == null || merged.internalSeen.isEmpty()) {
            return;
        }
        for (String digest : merged.internalSeen.split(" ")) {
            if (!contains(survivor.internalSeen, digest)) {
                survivor.internalSeen = survivor.internalSeen == null || survivor.internalSeen.isEmpty()
                        ? digest
                        : survivor.internalSeen + " " + digest;
            }
        }
        int excess = windowSize(survivor) - Math.max(1, window);
        if (excess > 0) {
            survivor.internalSeen = survivor.internalSeen.substring(excess * (DIGEST_LENGTH + 1));
        }
    }

    /** How many digests the window holds. */
    static int windowSize(ProfileState state) {
        return state.internalSeen == null || state.internalSeen.isEmpty()
                ? 0
                : (state.internalSeen.length() + 1) / (DIGEST_LENGTH + 1);
    }

    private static boolean contains(String seen, String digest) {
        if (seen == null) {
            return false;
        }
        for (int i = seen.indexOf(digest); i >= 0; i = seen.indexOf(digest, i + 1)) {
            if (i % (DIGEST_LENGTH + 1) == 0) {
                return true; // a whole entry, not the middle of two
            }
        }
        return false;
    }

    private static final int DIGEST_LENGTH = 12;

    /** A 72-bit digest of a cause id in 12 characters: collisions within a window are out of reach (2^-60). */
    static String digest(String causeId) {
        byte[] md5 = MD5.get().digest(causeId.getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(md5, 9));
    }

    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });
}
