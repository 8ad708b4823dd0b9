package io.happypath.identity.rest;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestResponse;

import io.happypath.identity.cache.IdentityCache;
import io.happypath.identity.domain.IdentifierExtractor;
import io.happypath.identity.messaging.Publisher;
import io.happypath.identity.service.ProfileService;
import io.happypath.platform.rest.ApiException;
import io.smallrye.mutiny.Uni;

/** The identity-service API of API.md: profiles, identifier lookups, merge history, erasure and undo. */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
public class ProfileResource {

    private final ProfileService profiles;
    private final IdentityCache cache;
    private final Publisher publisher;
    private final IdentifierExtractor extractor;

    public ProfileResource(ProfileService profiles, IdentityCache cache, Publisher publisher,
            IdentifierExtractor extractor) {
        this.profiles = profiles;
        this.cache = cache;
        this.publisher = publisher;
        this.extractor = extractor;
    }

    /** One identifier of a profile. */
    public record IdentifierView(String type, String value, Instant firstSeen, Instant lastSeen) {
    }

    /** {@code GET /v1/profiles/{profileId}}. */
    public record ProfileView(String profileId, List<IdentifierView> identifiers, Map<String, Object> traits,
            List<String> mergedFrom, Instant createdAt, Instant updatedAt) {
    }

    /** {@code GET /v1/identities/{type}/{value}}. */
    public record ProfileRef(String profileId) {
    }

    /** One identifier joining the profile: on which event, by which rule, in which merge. */
    public record LinkView(String type, String value, String rule, String messageId, String eventId, String mergeId,
            Instant at) {
    }

    /** One merge into the profile. */
    public record MergeView(String mergeId, String profileId, List<String> mergedProfileIds, String rule,
            String messageId, Instant at, Instant undoneAt) {
    }

    /** {@code GET /v1/profiles/{profileId}/links}. */
    public record LinksView(String profileId, List<LinkView> links, List<MergeView> merges) {
    }

    /** {@code DELETE /v1/profiles/{profileId}} and the undo: what was accepted. */
    public record Accepted(String profileId, String status) {
    }

    @GET
    @Path("/profiles/{profileId}")
    @RolesAllowed({"admin", "analyst"})
    public Uni<ProfileView> profile(@PathParam("profileId") String profileId) {
        return profiles.profile(uuid(profileId, "profileId")).map(d -> new ProfileView(d.profile().id.toString(),
                d.identifiers().stream().map(i -> new IdentifierView(i.type, i.value, i.firstSeen, i.lastSeen)).toList(),
                d.profile().traits, d.mergedFrom(), d.profile().createdAt, d.profile().updatedAt));
    }

    @GET
    @Path("/profiles/{profileId}/links")
    @RolesAllowed({"admin", "analyst"})
    public Uni<LinksView> links(@PathParam("profileId") String profileId) {
        return profiles.history(uuid(profileId, "profileId")).map(h -> new LinksView(h.profileId().toString(),
                h.links().stream().map(l -> new LinkView(l.type, l.value, l.rule, l.messageId, l.eventId,
                        l.mergeId == null ? null : l.mergeId.toString(), l.at)).toList(),
                h.merges().stream().map(m -> new MergeView(m.id.toString(), m.intoProfile.toString(), m.fromProfiles(),
                        m.rule, m.messageId, m.at, m.undoneAt)).toList()));
    }

    @GET
    @Path("/identities/{type}/{value}")
    @RolesAllowed({"admin", "analyst", "decision-client"})
    public Uni<ProfileRef> identity(@PathParam("type") String type, @PathParam("value") String value) {
        if (!IdentifierExtractor.TYPE.matcher(type).matches()) {
            throw new ApiException(400, "invalid_identifier_type", "Identifier type '" + type
                    + "' is not valid: lower-case letters, digits and '_', starting with a letter, at most 64 "
                    + "(e.g. user_id, anonymous_id, email, phone, device_id)");
        }
        if (value.isBlank() || value.length() > IdentifierExtractor.MAX_VALUE_LENGTH) {
            throw new ApiException(400, "invalid_identifier_value",
                    "Identifier value must be 1 to " + IdentifierExtractor.MAX_VALUE_LENGTH + " characters");
        }
        String normalised = extractor.normalise(type, value);
        return cache.get(type, normalised).chain(hit -> {
            if (hit != null) {
                return Uni.createFrom().item(new ProfileRef(hit));
            }
            return profiles.lookup(type, normalised).chain(found -> {
                if (found == null) {
                    throw new ApiException(404, "not_found", "No profile holds identifier " + type + " '" + value + "'");
                }
                return cache.put(type, normalised, found).map(x -> new ProfileRef(found));
            });
        });
    }

    @DELETE
    @Path("/profiles/{profileId}")
    @RolesAllowed("admin")
    public Uni<RestResponse<Accepted>> erase(@PathParam("profileId") String profileId) {
        return profiles.erase(uuid(profileId, "profileId"))
                // The erasure is committed; should Kafka fail now, the outbox sweeper publishes profile.erased.
                .call(out -> publisher.publish(out).onFailure().recoverWithNull())
                .map(out -> RestResponse.accepted(new Accepted(out.profileId(), "erased")));
    }

    @POST
    @Path("/profiles/{profileId}/merges/{mergeId}/undo")
    @RolesAllowed("admin")
    public Uni<Accepted> undo(@PathParam("profileId") String profileId, @PathParam("mergeId") String mergeId) {
        return profiles.undo(uuid(profileId, "profileId"), uuid(mergeId, "mergeId"))
                .call(out -> publisher.publish(out).onFailure().recoverWithNull())
                .map(out -> new Accepted(out.profileId(), "undone"));
    }

    private static UUID uuid(String text, String name) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "invalid_" + name.replace("Id", "_id"), name + " '" + text + "' is not a UUID");
        }
    }
}
