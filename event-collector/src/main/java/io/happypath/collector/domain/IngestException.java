package io.happypath.collector.domain;

import java.util.List;

/**
 * A request the collector refuses as a whole, with the HTTP status and error code of API.md. {@code retryAfterSeconds}
 * is set for 429 and 503, whose responses carry a {@code Retry-After} header.
 */
public class IngestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String error;
    private final List<Rejection> rejections;
    private final long retryAfterSeconds;

    public IngestException(int status, String error, String message, List<Rejection> rejections, long retryAfterSeconds) {
        super(message);
        this.status = status;
        this.error = error;
        this.rejections = rejections == null ? List.of() : List.copyOf(rejections);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public IngestException(int status, String error, String message) {
        this(status, error, message, List.of(), 0);
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public List<Rejection> rejections() {
        return rejections;
    }

    /** Seconds for {@code Retry-After}, or 0 for none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
