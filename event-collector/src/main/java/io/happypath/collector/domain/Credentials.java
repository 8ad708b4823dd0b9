package io.happypath.collector.domain;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/** Reads the write key from an HTTP {@code Authorization} header the way Segment's libraries send it. */
public final class Credentials {

    private Credentials() {
    }

    /**
     * The write key of {@code Basic base64(writeKey:)}; the colon and empty password are optional (analytics.js sends
     * {@code writeKey:}, some clients only {@code writeKey}). Empty when the header is absent, not Basic, or unreadable.
     */
    public static Optional<String> writeKeyFromBasic(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        String header = authorization.trim();
        if (header.length() < 6 || !header.substring(0, 6).toLowerCase(Locale.ROOT).equals("basic ")) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        String key = colon < 0 ? decoded : decoded.substring(0, colon);
        return key.isEmpty() ? Optional.empty() : Optional.of(key);
    }
}
