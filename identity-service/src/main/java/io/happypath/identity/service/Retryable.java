package io.happypath.identity.service;

import java.util.Locale;

/** Which database failures a fresh transaction can succeed after: lost races, deadlocks, serialization. */
final class Retryable {

    private Retryable() {
    }

    static boolean isRetryable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConcurrentChange) {
                return true;
            }
            String m = String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT);
            // 23505 unique_violation, 40001 serialization_failure, 40P01 deadlock_detected
            if (m.contains("23505") || m.contains("40001") || m.contains("40p01") || m.contains("duplicate key")
                    || m.contains("deadlock")) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    /** The profiles of an event changed between reading and locking them. */
    static final class ConcurrentChange extends RuntimeException {

        private static final long serialVersionUID = 1L;

        ConcurrentChange(String message) {
            super(message, null, false, false);
        }
    }
}
