package io.happypath.collector.rest;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.happypath.collector.domain.IngestException;
import io.happypath.collector.service.IngestService;
import io.happypath.contracts.segment.SegmentMessage;
import io.smallrye.mutiny.Uni;

/**
 * The Segment-compatible ingestion API (API.md, event-collector): single-message paths, their analytics.js short forms
 * and the batch paths, each with or without a trailing slash. Bodies are read raw so that gzip, {@code text/plain} and
 * the size limits are handled here, after decompression.
 */
@Path("/v1")
@Tag(name = "ingestion", description = "Segment-compatible event ingestion")
public class IngestResource {

    private static final Map<String, String> SINGLE = Map.ofEntries(
            Map.entry("track", SegmentMessage.TRACK), Map.entry("t", SegmentMessage.TRACK),
            Map.entry("identify", SegmentMessage.IDENTIFY), Map.entry("i", SegmentMessage.IDENTIFY),
            Map.entry("page", SegmentMessage.PAGE), Map.entry("p", SegmentMessage.PAGE),
            Map.entry("screen", SegmentMessage.SCREEN), Map.entry("s", SegmentMessage.SCREEN),
            Map.entry("group", SegmentMessage.GROUP), Map.entry("g", SegmentMessage.GROUP),
            Map.entry("alias", SegmentMessage.ALIAS), Map.entry("a", SegmentMessage.ALIAS));
    private static final Set<String> BATCH = Set.of("batch", "import", "b");

    static final String DESCRIPTION = """
            Accepts Segment messages. Auth: HTTP Basic with the write key as user name and an empty password (the colon \
            is optional), or 'writeKey' in the body. Bodies: application/json or text/plain carrying JSON, optionally \
            Content-Encoding: gzip; limits apply after decompression (32 KB per message, 500 KB per request, 2,500 \
            messages per batch). 200 {"success": true} only after the broker acknowledged every accepted message. \
            Batches are accepted partially: valid messages are stored and the answer is 200 with 'rejected' listing each \
            invalid message's index and reason, because refusing the whole batch would make clients retry the valid \
            messages forever for the sake of one they can never fix; 400 (with the same list in 'details') only when no \
            message could be accepted. 401 unknown or missing write key; 413 over a size limit; 415 unsupported \
            content type or encoding; 429 with Retry-After over the source's rate; 503 with Retry-After when Kafka did \
            not acknowledge in time (nothing of that request is acknowledged, so retrying loses and duplicates nothing: \
            only published messages are remembered for dedup).""";

    private final IngestService service;

    public IngestResource(IngestService service) {
        this.service = service;
    }

    /** Trailing slashes match too: Quarkus REST ignores them when matching ({@code /v1/import/} is analytics-java's). */
    @POST
    @Path("{kind}")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Ingest one Segment message or a batch", description = DESCRIPTION)
    public Uni<IngestResponse> ingest(@PathParam("kind") String kind, byte[] body,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @HeaderParam(HttpHeaders.CONTENT_ENCODING) String contentEncoding,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        String path = kind.toLowerCase(Locale.ROOT);
        String type = SINGLE.get(path);
        if (type == null && !BATCH.contains(path)) {
            throw new IngestException(404, "not_found", "No ingestion path /v1/" + kind
                    + ": use track, identify, page, screen, group, alias (or t, i, p, s, g, a), batch, import or b.");
        }
        checkContentType(contentType);
        return service.ingest(type, body == null ? new byte[0] : body, contentEncoding, authorization)
                .map(r -> new IngestResponse(true, r.accepted(), r.deduplicated(), r.rejected()));
    }

    private static void checkContentType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return;
        }
        String media = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!media.equals("application/json") && !media.equals("text/plain") && !media.endsWith("+json")) {
            throw new IngestException(415, "unsupported_media_type",
                    "Content-Type '" + contentType + "' is not supported: send application/json or text/plain.");
        }
    }
}
