package io.happypath.platform.rest;

import java.util.List;

/**
 * The error body of every Happypath API (API.md): a machine-readable {@code error} code, a {@code message} a person
 * can act on, and optional {@code details} such as the rejected messages of a batch or the fields that failed.
 */
public record ErrorBody(String error, String message, List<?> details) {

    public ErrorBody {
        details = details == null ? List.of() : List.copyOf(details);
    }

    public static ErrorBody of(String error, String message) {
        return new ErrorBody(error, message, List.of());
    }
}
