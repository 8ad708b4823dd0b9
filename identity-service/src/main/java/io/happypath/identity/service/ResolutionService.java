package io.happypath.identity.service;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.happypath.contracts.identity.Identifier;
import io.happypath.contracts.segment.SegmentMessage;
import io.happypath.identity.domain.IdentifierExtractor;
import io.happypath.identity.domain.RawEventValidator;
import io.happypath.identity.domain.Resolver;
import io.happypath.identity.repository.GraphStore;
import io.happypath.identity.repository.GraphStore.IdentifierRow;
import io.happypath.identity.repository.GraphStore.ProfileRow;
import io.happypath.identity.repository.OutboxMessage;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Resolves raw events to profiles (ALGORITHMS.md, "Identity resolution"), a whole Kafka poll in one transaction:
 * identity changes, provenance, the processed-event records and the outgoing messages (outbox) of every event of the
 * batch commit together, so a crash either redoes the batch or nothing, and the caller publishes only what was
 * committed.
 * <p>
 * One transaction reads the graph the batch can touch with a few set-based queries, resolves the events in memory
 * in batch order ({@link GraphBatch}) and writes the changes back with a few set-based statements: the cost per event
 * is CPU, not database round trips.
 * <p>
 * Concurrency (other replicas, REST undo and erasure) is made safe by the database, not by this process: the
 * profiles that hold any identifier of the batch are locked {@code FOR UPDATE} in id order and their identifiers
 * re-read; if an identifier moved or a profile was merged or erased between the first read and the lock, the
 * transaction retries. Two transactions linking the same new identifier collide on the primary key
 * {@code identifiers(type, value)}: the second fails with a unique violation, retries, and joins the first one's
 * profile. Lost races, deadlocks and serialization failures retry the whole transaction with a back-off.
 */
@ApplicationScoped
public class ResolutionService {

    private static final Logger LOG = Logger.getLogger(ResolutionService.class);

    /** A record of {@code hp.events.raw.v1}. */
    public record RawEvent(String eventId, String cloudEventType, String payload) {
    }

    /** Outcome of one raw event. */
    public sealed interface Outcome {
    }

    /** The event cannot be processed; it belongs on the dead-letter topic. */
    public record Rejected(String category, String reason) implements Outcome {
    }

    /**
     * The event is resolved (now, or before when {@code duplicate}); {@code outgoing} holds its profile and the
     * messages to publish (for a duplicate, what its first resolution committed and nobody published).
     */
    public record Resolved(Outgoing outgoing, boolean duplicate) implements Outcome {
    }

    /**
     * What a batch came to: one outcome per raw event, in input order, and everything the committed events must
     * publish, in order.
     */
    public record BatchResult(List<Outcome> outcomes, Outgoing outgoing) {
    }

    /** A raw event that passed validation. */
    private record Parsed(int index, String eventId, SegmentMessage message, List<Identifier> ids) {
    }

    /** The outcome of one transaction: per event (by input index), and the counts for the metrics. */
    private record Committed(Map<Integer, Outcome> outcomes, int created, int linked, int merged) {
    }

    private final ObjectMapper mapper;
    private final IdentifierExtractor extractor;
    private final Resolver resolver;
    private final GraphStore store;
    private final OutboxService outbox;
    private final IdentityMetrics metrics;

    public ResolutionService(ObjectMapper mapper, IdentifierExtractor extractor, Resolver resolver, GraphStore store,
            OutboxService outbox, IdentityMetrics metrics) {
        this.mapper = mapper;
        this.extractor = extractor;
        this.resolver = resolver;
        this.store = store;
        this.outbox = outbox;
        this.metrics = metrics;
    }

    /**
     * Resolves one raw event in its own transaction.
     *
     * @param eventId the CloudEvent id (null for a record that is not a CloudEvent: source and messageId stand in)
     * @param cloudEventType the {@code ce_type}, checked against the message type when present
     * @param payload the JSON of the Segment message
     */
    public Uni<Outcome> resolve(String eventId, String cloudEventType, String payload) {
        return resolveBatch(List.of(new RawEvent(eventId, cloudEventType, payload))).map(r -> r.outcomes().get(0));
    }

    /**
     * Resolves a batch of raw events in one transaction. Never fails: an event that cannot be processed is
     * {@link Rejected}. Should the batch's transaction fail for good (a database error one event causes, say), each
     * event is resolved alone so that only the culprit is rejected.
     */
    public Uni<BatchResult> resolveBatch(List<RawEvent> events) {
        long started = System.nanoTime();
        List<Outcome> outcomes = new ArrayList<>(Collections.nCopies(events.size(), null));
        List<Parsed> parsed = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            Object p = parse(i, events.get(i));
            if (p instanceof Rejected r) {
                outcomes.set(i, r);
            } else {
                parsed.add((Parsed) p);
            }
        }
        if (parsed.isEmpty()) {
            return Uni.createFrom().item(new BatchResult(outcomes, Outgoing.NONE));
        }
        return commit(parsed)
                .map(List::of)
                .onFailure(e -> parsed.size() > 1).recoverWithUni(e -> {
                    LOG.warnf("Resolving a batch of %d events failed (%s); resolving them one by one", parsed.size(),
                            e.getMessage());
                    return Multi.createFrom().iterable(parsed)
                            .onItem().transformToUniAndConcatenate(p -> commit(List.of(p)).onFailure()
                                    .recoverWithItem(f -> failed(List.of(p), f)))
                            .collect().asList();
                })
                .onFailure().recoverWithItem(e -> List.of(failed(parsed, e)))
                .map(done -> {
                    Duration took = Duration.ofNanos(System.nanoTime() - started);
                    List<Outgoing> parts = new ArrayList<>();
                    for (Committed c : done) {
                        c.outcomes().forEach(outcomes::set);
                        metrics.profilesCreated(c.created());
                        metrics.linked(c.linked());
                        metrics.merged(c.merged());
                    }
                    for (int i = 0; i < outcomes.size(); i++) {
                        if (outcomes.get(i) instanceof Resolved r) {
                            parts.add(r.outgoing());
                            metrics.resolved(took);
                        }
                    }
                    return new BatchResult(outcomes, Outgoing.concat(parts));
                });
    }

    /** A transaction that failed for good: its events are rejected with the cause, for the dead-letter topic. */
    private static Committed failed(List<Parsed> events, Throwable e) {
        LOG.errorf(e, "Could not resolve raw event(s) %s", events.stream().map(Parsed::eventId).toList());
        Map<Integer, Outcome> rejected = new HashMap<>();
        String reason = "resolution failed: " + e.getMessage();
        events.forEach(p -> rejected.put(p.index(), new Rejected("error", reason)));
        return new Committed(rejected, 0, 0, 0);
    }

    /** Resolves the events in one transaction, retried from scratch after a lost race. */
    private Uni<Committed> commit(List<Parsed> events) {
        return Uni.createFrom().deferred(() -> store.inTransaction(c -> resolveInTransaction(c, events)))
                .onFailure(Retryable::isRetryable).retry().withBackOff(Duration.ofMillis(5), Duration.ofMillis(200))
                .atMost(8);
    }

    /**
     * Three round trips before the commit (four when the batch holds events resolved before): the queries of a step
     * are sent together (the connection pipelines them; the server runs them in order), the next step needs their
     * answers.
     */
    private Uni<Committed> resolveInTransaction(SqlConnection c, List<Parsed> events) {
        Set<String> eventIds = new LinkedHashSet<>();
        Set<Identifier> ids = new LinkedHashSet<>();
        for (Parsed p : events) {
            eventIds.add(p.eventId());
            ids.addAll(p.ids());
        }
        // The identifiers of events resolved before are looked up and locked too: rare, harmless.
        return Uni.combine().all().unis(store.processed(c, eventIds), store.owners(c, ids)).asTuple().chain(read -> {
            Map<String, UUID> processed = read.getItem1();
            Map<Identifier, UUID> owned = read.getItem2();
            Set<UUID> profileIds = new HashSet<>(owned.values());
            // Sent after the lock in the same pipeline, the second query sees the identifiers as the lock left them.
            return Uni.combine().all().unis(store.lockProfiles(c, profileIds), store.identifiersOf(c, profileIds))
                    .asTuple().map(locked -> {
                        checkUnchanged(owned, profileIds, locked.getItem1(), locked.getItem2());
                        return new GraphBatch(resolver, mapper, Instant.now(), locked.getItem1(), locked.getItem2());
                    })
                    .chain(graph -> store.outboxOf(c, processed.keySet())
                            .chain(leftovers -> apply(c, graph, events, processed, leftovers)));
        });
    }

    /**
     * Between reading the owners and locking their profiles, another transaction may have merged, erased or undone
     * something: then the locked state is not the one the owners describe, and the transaction starts again.
     */
    private static void checkUnchanged(Map<Identifier, UUID> owners, Set<UUID> profileIds, List<ProfileRow> locked,
            List<IdentifierRow> held) {
        if (locked.size() != profileIds.size()) {
            throw new Retryable.ConcurrentChange("a matching profile vanished meanwhile");
        }
        for (ProfileRow p : locked) {
            if (p.mergedInto() != null) {
                throw new Retryable.ConcurrentChange("profile " + p.id() + " was merged meanwhile");
            }
        }
        Map<Identifier, UUID> now = new HashMap<>();
        held.forEach(h -> now.put(h.identifier(), h.profileId()));
        owners.forEach((id, profile) -> {
            if (!profile.equals(now.get(id))) {
                throw new Retryable.ConcurrentChange("identifiers moved meanwhile");
            }
        });
    }

    /** Resolves the events against the graph in batch order, then writes what changed. */
    private Uni<Committed> apply(SqlConnection c, GraphBatch graph, List<Parsed> events, Map<String, UUID> processed,
            List<OutboxMessage> leftovers) {
        Map<String, List<OutboxMessage>> unpublished = new HashMap<>();
        for (OutboxMessage m : leftovers) {
            if (!outbox.isPublishing(m)) {
                unpublished.computeIfAbsent(m.eventId(), k -> new ArrayList<>()).add(m);
            }
        }
        Map<String, UUID> resolvedHere = new HashMap<>();
        Map<Integer, GraphBatch.Applied> applied = new HashMap<>();
        Map<Integer, Outcome> outcomes = new HashMap<>();
        for (Parsed p : events) {
            UUID before = processed.containsKey(p.eventId()) ? processed.get(p.eventId()) : resolvedHere.get(p.eventId());
            if (before != null) {
                // Redelivered (after a crash, say) or sent twice: publish, in its place in the stream, what its first
                // resolution committed but nobody has published, once. What this process is publishing right now
                // is left to that publish.
                List<OutboxMessage> left = unpublished.remove(p.eventId());
                outcomes.put(p.index(), new Resolved(new Outgoing(before.toString(), left == null ? List.of() : left,
                        List.of()), true));
                continue;
            }
            GraphBatch.Applied a = graph.apply(p.eventId(), p.message(), p.ids());
            resolvedHere.put(p.eventId(), a.profileId());
            applied.put(p.index(), a);
        }
        return store.write(c, graph.changes()).map(written -> {
            Map<String, Long> ids = new HashMap<>();
            written.forEach(m -> ids.put(m.ceId(), m.id()));
            applied.forEach((index, a) -> outcomes.put(index, new Resolved(new Outgoing(a.profileId().toString(),
                    a.messages().stream().map(m -> m.withId(ids.get(m.ceId()))).toList(), a.moved()), false)));
            return new Committed(outcomes, graph.profilesCreated(), graph.identifiersLinked(), graph.profilesMerged());
        });
    }

    private Object parse(int index, RawEvent raw) {
        String payload = raw.payload();
        if (payload == null || payload.isBlank()) {
            return new Rejected("invalid", "empty message");
        }
        // A UTF-8 character takes at most 3 bytes per UTF-16 char: only long messages need counting.
        if (payload.length() * 3L > RawEventValidator.MAX_MESSAGE_BYTES
                && payload.getBytes(StandardCharsets.UTF_8).length > RawEventValidator.MAX_MESSAGE_BYTES) {
            return new Rejected("invalid", "message larger than 32 KB");
        }
        SegmentMessage message;
        try {
            message = mapper.readValue(payload, SegmentMessage.class);
        } catch (JsonProcessingException | RuntimeException e) {
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            return new Rejected("malformed", "not a valid Segment message: " + why);
        }
        List<String> problems = RawEventValidator.problems(message, raw.cloudEventType());
        if (!problems.isEmpty()) {
            return new Rejected("invalid", String.join("; ", problems));
        }
        IdentifierExtractor.Extracted extracted = extractor.extract(message);
        if (extracted.identifiers().isEmpty()) {
            return new Rejected("no_identifier", "no usable identifier: blocked values "
                    + extracted.blocked().stream().map(Identifier::type).collect(Collectors.joining(",")));
        }
        String id = raw.eventId() != null && !raw.eventId().isBlank()
                ? raw.eventId()
                : message.source() + ":" + message.messageId();
        return new Parsed(index, id, message, extracted.identifiers());
    }
}
