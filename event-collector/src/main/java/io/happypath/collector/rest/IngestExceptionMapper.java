package io.happypath.collector.rest;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.happypath.collector.domain.IngestException;
import io.happypath.collector.domain.Rejection;
import io.happypath.platform.rest.ErrorBody;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Writes a refused request as the error JSON of API.md, with {@code Retry-After} on 429 and 503. */
@RegisterForReflection(targets = {Rejection.class, ErrorBody.class})
public class IngestExceptionMapper {

    @ServerExceptionMapper
    public RestResponse<ErrorBody> refused(IngestException e) {
        RestResponse.ResponseBuilder<ErrorBody> response = RestResponse.ResponseBuilder
                .create(Response.Status.fromStatusCode(e.status()), new ErrorBody(e.error(), e.getMessage(), e.rejections()));
        if (e.retryAfterSeconds() > 0) {
            response.header("Retry-After", String.valueOf(e.retryAfterSeconds()));
        }
        return response.build();
    }
}
