package io.happypath.platform;

import java.util.Map;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

import io.happypath.platform.rest.ApiException;

/** Endpoints that exist only in this module's tests, guarded the way the services guard theirs. */
@Path("/test")
public class SecuredTestEndpoints {

    public record Item(String id, int count) {
    }

    @GET
    @Path("/admin")
    @RolesAllowed("admin")
    public Map<String, String> admin() {
        return Map.of("ok", "admin");
    }

    @GET
    @Path("/read")
    @RolesAllowed({"admin", "analyst"})
    public Map<String, String> read() {
        return Map.of("ok", "read");
    }

    @POST
    @Path("/items")
    @PermitAll
    public Item create(Item item) {
        if (item.id() == null) {
            throw ApiException.badRequest("missing_field", "'id' is required");
        }
        return item;
    }
}
