package io.happypath.platform.rest;

import java.util.Locale;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/**
 * Turns every failure into the JSON {@link ErrorBody} of API.md with a precise status. Security failures reach
 * these mappers because proactive authentication is off (see META-INF/microprofile-config.properties).
 */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @ServerExceptionMapper
    public RestResponse<ErrorBody> apiException(ApiException e) {
        return RestResponse.status(Response.Status.fromStatusCode(e.status()), e.body());
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> unauthorized(UnauthorizedException e) {
        return RestResponse.status(Response.Status.UNAUTHORIZED, ErrorBody.of("unauthorized",
                "This API needs a bearer token: send 'Authorization: Bearer <JWT>' (locally: ./happypath token ROLE)."));
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> authenticationFailed(AuthenticationFailedException e) {
        return RestResponse.status(Response.Status.UNAUTHORIZED, ErrorBody.of("invalid_token",
                "The bearer token is not valid (bad signature, wrong issuer or expired): get a new one."));
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> forbidden(ForbiddenException e) {
        return RestResponse.status(Response.Status.FORBIDDEN, ErrorBody.of("forbidden",
                "The token is valid but its roles do not allow this operation (roles: admin, analyst, decision-client)."));
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> malformedJson(JsonProcessingException e) {
        return badJson(e);
    }

    /** More specific than Quarkus's own mapper for this type, so this one wins. */
    @ServerExceptionMapper
    public RestResponse<ErrorBody> mismatchedInput(MismatchedInputException e) {
        return badJson(e);
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> webApplication(WebApplicationException e) {
        // Quarkus REST reports unparsable bodies as a 400 WebApplicationException caused by Jackson's exception.
        if (e.getCause() instanceof JsonProcessingException json) {
            return badJson(json);
        }
        Response.StatusType status = e.getResponse().getStatusInfo();
        String code = status.getReasonPhrase().toLowerCase(Locale.ROOT).replace(' ', '_');
        return RestResponse.status(Response.Status.fromStatusCode(status.getStatusCode()),
                ErrorBody.of(code, e.getMessage()));
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> unexpected(Exception e) {
        LOG.error("Request failed", e);
        return RestResponse.status(Response.Status.INTERNAL_SERVER_ERROR, ErrorBody.of("internal_error",
                "The server failed to handle this request; it has been logged. Retry later."));
    }

    private static RestResponse<ErrorBody> badJson(JsonProcessingException e) {
        String where = e.getLocation() == null
                ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
        if (e instanceof MismatchedInputException mismatch) {
            String field = mismatch.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .reduce((a, b) -> a + "." + b).orElse("(body)");
            return RestResponse.status(Response.Status.BAD_REQUEST, ErrorBody.of("invalid_field",
                    "Field '" + field + "' has the wrong type or value: " + e.getOriginalMessage() + where));
        }
        return RestResponse.status(Response.Status.BAD_REQUEST, ErrorBody.of("malformed_json",
                "The request body is not valid JSON: " + e.getOriginalMessage() + where));
    }
}
