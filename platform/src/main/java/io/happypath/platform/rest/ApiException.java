package io.happypath.platform.rest;

import java.util.List;

/**
 * A failure with a precise HTTP status and {@link ErrorBody}; services throw it for the caller's mistakes (4xx)
 * and for their own failures that a caller should retry (503).
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String error;
    private final List<?> details;

    public ApiException(int status, String error, String message, List<?> details) {
        super(message);
        this.status = status;
        this.error = error;
        this.details = details == null ? List.of() : details;
    }

    public ApiException(int status, String error, String message) {
        this(status, error, message, List.of());
    }

    public static ApiException badRequest(String error, String message) {
        return new ApiException(400, error, message);
    }

    public static ApiException notFound(String what, String id) {
        return new ApiException(404, "not_found", what + " '" + id + "' does not exist");
    }

    public int status() {
        return status;
    }

    public ErrorBody body() {
        return new ErrorBody(error, getMessage(), details);
    }
}
