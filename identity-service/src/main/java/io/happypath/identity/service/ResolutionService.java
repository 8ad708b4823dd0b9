package io.happypath.identity.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.happypath.contracts.CloudEventTypes;
import io.happypath.contracts.Topics;
import io.happypath.contracts.identity.Identifier;
import io.happypath.contracts.identity.IdentifiersLinked;
import io.happypath.contracts.identity.ProfileCreated;
import io.happypath.contracts.identity.ProfileMerged;
import io.happypath.contracts.segment.SegmentMessage;
import io.happypath.identity.config.IdentityConfig;
import io.happypath.identity.domain.IdentifierExtractor;
import io.happypath.identity.domain.ProfileView;
import io.happypath.identity.domain.RawEventValidator;
import io.happypath.identity.domain.Resolution;
import io.happypath.identity.domain.Resolver;
import io.happypath.identity.domain.StoredIdentifier;
import io.happypath.identity.domain.Traits;
import io.happypath.identity.repository.IdentifierEntity;
import io.happypath.identity.repository.LinkEntity;
import io.happypath.identity.repository.MergeEntity;
import io.happypath.identity.repository.OutboxEntity;
import io.happypath.identity.repository.ProcessedEventEntity;
import io.happypath.identity.repository.ProfileEntity;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Resolves one raw event to a profile (ALGORITHMS.md, "Identity resolution") in one transaction: identity changes,
 * provenance, the processed-event record and the outgoing messages (outbox) commit together, so a crash at any
 * point either redoes everything or nothing, and the caller publishes only what was committed.
 * <p>
 * Concurrency: the transaction first takes an advisory lock per identifier of the event (sorted, so two events
 * never wait on each other in a cycle); two events carrying the same new e-mail therefore run one after the other,
 * and the second finds the profile the first created. Profiles are then locked {@code FOR UPDATE}; the primary key
 * (type, value) of {@code identifiers} is the last line of defence, and a lost race (unique violation, deadlock,
 * profiles changed under us) retries the whole transaction.
 */
@ApplicationScoped
public class ResolutionService {

    /** Outcome of one raw event. */
    public sealed interface Outcome {
    }

    /** The event cannot be processed; it belongs on the dead-letter topic. */
    public record Rejected(String category, String reason) implements Outcome {
    }

    /** The event is resolved (now or before, when {@code duplicate}); publish {@code outgoing}, then acknowledge. */
    public record Resolved(Outgoing outgoing, boolean duplicate) implements Outcome {
    }

    static final String SOURCE = "identity-service";

    private final ObjectMapper mapper;
    private final IdentifierExtractor extractor;
    private final Resolver resolver;
    private final IdentityMetrics metrics;

    public ResolutionService(ObjectMapper mapper, IdentityConfig config, IdentityMetrics metrics) {
        this.mapper = mapper;
        var rules = config.rules().toRules();
        this.extractor = new IdentifierExtractor(rules);
        this.resolver = new Resolver(rules);
        this.metrics = metrics;
    }

    /**
     * Resolves a raw event.
     *
     * @param eventId the CloudEvent id (null for a record that is not a CloudEvent: source and messageId stand in)
     * @param cloudEventType the {@code ce_type}, checked against the message type when present
     * @param payload the JSON of the Segment message
     */
    public Uni<Outcome> resolve(String eventId, String cloudEventType, String payload) {
        if (payload == null || payload.isBlank()) {
            return Uni.createFrom().item(new Rejected("invalid", "empty message"));
        }
        if (payload.getBytes(StandardCharsets.UTF_8).length > RawEventValidator.MAX_MESSAGE_BYTES) {
            return Uni.createFrom().item(new Rejected("invalid", "message larger than 32 KB"));
        }
        SegmentMessage message;
        try {
            message = mapper.readValue(payload, SegmentMessage.class);
        } catch (JsonProcessingException | RuntimeException e) {
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            return Uni.createFrom().item(new Rejected("malformed", "not a valid Segment message: " + why));
        }
        List<String> problems = RawEventValidator.problems(message, cloudEventType);
        if (!problems.isEmpty()) {
            return Uni.createFrom().item(new Rejected("invalid", String.join("; ", problems)));
        }
        IdentifierExtractor.Extracted extracted = extractor.extract(message);
        if (extracted.identifiers().isEmpty()) {
            return Uni.createFrom().item(new Rejected("no_identifier", "no usable identifier: blocked values "
                    + extracted.blocked().stream().map(Identifier::type).collect(Collectors.joining(","))));
        }
        String id = eventId != null && !eventId.isBlank() ? eventId : message.source() + ":" + message.messageId();
        long started = System.nanoTime();
        return Uni.createFrom().deferred(() -> Panache.<Outcome>withTransaction(() -> resolveInTransaction(id, message,
                extracted.identifiers())))
                .onFailure(Retryable::isRetryable).retry().withBackOff(Duration.ofMillis(5), Duration.ofMillis(200))
                .atMost(8)
                .invoke(() -> metrics.resolved(Duration.ofNanos(System.nanoTime() - started)));
    }

    private Uni<Outcome> resolveInTransaction(String eventId, SegmentMessage message, List<Identifier> ids) {
        return lock(ids)
                .chain(() -> ProcessedEventEntity.<ProcessedEventEntity>findById(eventId))
                .chain(processed -> processed != null
                        ? OutboxEntity.<OutboxEntity>list("eventId = ?1 order by id", eventId)
                                .map(rows -> (Outcome) new Resolved(
                                        new Outgoing(processed.profileId.toString(), rows, List.of()), true))
                        : resolveNew(eventId, message, ids));
    }

    private Uni<Outcome> resolveNew(String eventId, SegmentMessage message, List<Identifier> ids) {
        return owners(ids).chain(owners -> {
            Set<UUID> profileIds = new TreeSet<>(owners.values());
            return lockProfiles(profileIds).chain(locked -> {
                for (ProfileEntity p : locked) {
                    if (p.mergedInto != null) {
                        throw new Retryable.ConcurrentChange("profile " + p.id + " was merged meanwhile");
                    }
                }
                if (locked.size() != profileIds.size()) {
                    throw new Retryable.ConcurrentChange("a matching profile vanished meanwhile");
                }
                return owners(ids).chain(again -> {
                    if (!again.equals(owners)) {
                        throw new Retryable.ConcurrentChange("identifiers moved meanwhile");
                    }
                    return identifiersOf(profileIds)
                            .chain(held -> apply(eventId, message, ids, owners, locked, held));
                });
            });
        });
    }

    private Uni<Outcome> apply(String eventId, SegmentMessage message, List<Identifier> ids,
            Map<Identifier, UUID> owners, List<ProfileEntity> locked, List<IdentifierEntity> held) {
        Instant now = Instant.now();
        Instant eventTime = message.timestamp() != null ? message.timestamp() : now;
        Map<String, List<StoredIdentifier>> byProfile = new HashMap<>();
        for (IdentifierEntity e : held) {
            byProfile.computeIfAbsent(e.profileId.toString(), k -> new ArrayList<>())
                    .add(new StoredIdentifier(Identifier.of(e.type, e.value), e.firstSeen, e.lastSeen));
        }
        Map<String, ProfileView> views = new HashMap<>();
        for (ProfileEntity p : locked) {
            views.put(p.id.toString(), new ProfileView(p.id.toString(), p.createdAt,
                    byProfile.getOrDefault(p.id.toString(), List.of())));
        }
        Map<Identifier, String> ownerIds = new HashMap<>();
        owners.forEach((k, v) -> ownerIds.put(k, v.toString()));
        Resolution r = resolver.resolve(ids, ownerIds, views, now);

        List<Object> pending = new ArrayList<>();
        List<OutboxEntity> outbox = new ArrayList<>();
        List<Identifier> invalidate = new ArrayList<>();
        Map<UUID, ProfileEntity> profiles = new LinkedHashMap<>();
        locked.forEach(p -> profiles.put(p.id, p));

        ProfileEntity survivor;
        if (r.createsProfile()) {
            survivor = new ProfileEntity();
            survivor.id = UUID.randomUUID();
            survivor.createdAt = now;
            survivor.updatedAt = now;
            survivor.traits = new LinkedHashMap<>();
            survivor.traitTimes = new LinkedHashMap<>();
            pending.add(survivor);
            metrics.profileCreated();
            outbox.add(outbox(eventId, survivor.id, Topics.IDENTITY, CloudEventTypes.PROFILE_CREATED,
                    new ProfileCreated(survivor.id.toString(), r.identifiers(), message.messageId(), now), 0));
        } else {
            survivor = profiles.get(UUID.fromString(r.survivor()));
            survivor.updatedAt = now;
        }
        Traits traits = new Traits(survivor.traits, survivor.traitTimes);

        if (r.merges()) {
            UUID mergeId = UUID.randomUUID();
            Map<String, Object> snapshot = new LinkedHashMap<>();
            List<Map<String, Object>> merged = new ArrayList<>();
            for (String mergedId : r.merged()) {
                ProfileEntity from = profiles.get(UUID.fromString(mergedId));
                List<Map<String, Object>> fromIds = new ArrayList<>();
                for (IdentifierEntity e : held) {
                    if (e.profileId.equals(from.id)) {
                        fromIds.add(Map.of("type", e.type, "value", e.value));
                        e.profileId = survivor.id;
                        invalidate.add(Identifier.of(e.type, e.value));
                        pending.add(link(survivor.id, e.type, e.value, "merge:" + r.rule().substring("match:".length()),
                                message, eventId, mergeId,
                                now));
                    }
                }
                merged.add(Map.of("profileId", mergedId, "identifiers", fromIds, "traits", from.traits, "traitTimes",
                        from.traitTimes));
                traits = traits.merge(new Traits(from.traits, from.traitTimes));
                from.mergedInto = survivor.id;
                from.updatedAt = now;
            }
            snapshot.put("profiles", merged);
            snapshot.put("into", Map.of("traits", survivor.traits, "traitTimes", survivor.traitTimes));
            MergeEntity merge = new MergeEntity();
            merge.id = mergeId;
            merge.intoProfile = survivor.id;
            merge.fromProfiles(r.merged());
            merge.rule = r.rule();
            merge.messageId = message.messageId();
            merge.eventId = eventId;
            merge.at = now;
            merge.snapshot = snapshot;
            pending.add(merge);
            metrics.merged(r.merged().size());
            outbox.add(outbox(eventId, survivor.id, Topics.IDENTITY, CloudEventTypes.PROFILE_MERGED,
                    new ProfileMerged(survivor.id.toString(), r.merged(), mergeId.toString(), r.rule(), r.identifiers(),
                            message.messageId(), now),
                    1));
        }

        Set<Identifier> kept = new HashSet<>(r.identifiers());
        for (IdentifierEntity e : held) {
            if (kept.contains(Identifier.of(e.type, e.value)) && e.lastSeen.isBefore(now)) {
                e.lastSeen = now;
            }
        }
        for (Identifier fresh : r.newIdentifiers()) {
            IdentifierEntity e = new IdentifierEntity();
            e.type = fresh.type();
            e.value = fresh.value();
            e.profileId = survivor.id;
            e.firstSeen = now;
            e.lastSeen = now;
            pending.add(e);
            pending.add(link(survivor.id, fresh.type(), fresh.value(), r.rule(), message, eventId, null, now));
        }
        metrics.linked(r.newIdentifiers().size());
        if (!r.createsProfile() && !r.newIdentifiers().isEmpty()) {
            outbox.add(outbox(eventId, survivor.id, Topics.IDENTITY, CloudEventTypes.IDENTIFIERS_LINKED,
                    new IdentifiersLinked(survivor.id.toString(), r.newIdentifiers(), message.messageId(), now), 2));
        }

        if (SegmentMessage.IDENTIFY.equals(message.type())) {
            traits = traits.with(message.traits(), eventTime);
        } else if (SegmentMessage.GROUP.equals(message.type()) && message.traits() != null) {
            traits = traits.with(Map.of("groups." + message.groupId(), message.traits()), eventTime);
        }
        survivor.traits = traits.values();
        survivor.traitTimes = traits.times();

        ProcessedEventEntity processed = new ProcessedEventEntity();
        processed.eventId = eventId;
        processed.profileId = survivor.id;
        processed.at = now;
        pending.add(processed);

        OutboxEntity stitched = new OutboxEntity();
        stitched.eventId = eventId;
        stitched.profileId = survivor.id;
        stitched.topic = Topics.EVENTS;
        stitched.key = survivor.id.toString();
        stitched.ceId = eventId;
        stitched.ceType = message.cloudEventType();
        stitched.data = json(message.withProfileId(survivor.id.toString()));
        stitched.createdAt = now;
        outbox.add(stitched);
        pending.addAll(outbox);

        return Panache.getSession().chain(s -> s.persistAll(pending.toArray()).chain(s::flush))
                .map(x -> (Outcome) new Resolved(new Outgoing(survivor.id.toString(), outbox, invalidate), false));
    }

    private static LinkEntity link(UUID profileId, String type, String value, String rule, SegmentMessage message,
            String eventId, UUID mergeId, Instant at) {
        LinkEntity l = new LinkEntity();
        l.profileId = profileId;
        l.type = type;
        l.value = value;
        l.rule = rule;
        l.messageId = message.messageId();
        l.eventId = eventId;
        l.mergeId = mergeId;
        l.at = at;
        return l;
    }

    private OutboxEntity outbox(String eventId, UUID profileId, String topic, String type, Object data, int n) {
        OutboxEntity o = new OutboxEntity();
        o.eventId = eventId;
        o.profileId = profileId;
        o.topic = topic;
        o.key = profileId.toString();
        // Deterministic per event, so a republished message keeps its id and consumers drop the copy.
        o.ceId = UUID.nameUUIDFromBytes((eventId + "#" + type + "#" + n).getBytes(StandardCharsets.UTF_8)).toString();
        o.ceType = type;
        o.data = json(data);
        o.createdAt = Instant.now();
        return o;
    }

    String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /** Transaction-scoped advisory locks on the event's identifiers, taken in a fixed order. */
    static Uni<Void> lock(List<Identifier> ids) {
        TreeSet<Long> keys = new TreeSet<>();
        ids.forEach(i -> keys.add(lockKey(i)));
        String locks = keys.stream().map(k -> "pg_advisory_xact_lock(" + k + ")").collect(Collectors.joining(", "));
        return Panache.getSession()
                .chain(s -> s.createNativeQuery("select count(*) from (select " + locks + ") l", Long.class)
                        .getSingleResult())
                .replaceWithVoid();
    }

    static long lockKey(Identifier id) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest((id.type() + "\u0000" + id.value()).getBytes(StandardCharsets.UTF_8));
            long k = 0;
            for (int i = 0; i < 8; i++) {
                k = (k << 8) | (h[i] & 0xff);
            }
            return k;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Uni<Map<Identifier, UUID>> owners(List<Identifier> ids) {
        StringBuilder q = new StringBuilder();
        Map<String, Object> params = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            q.append(i == 0 ? "" : " or ").append("(type = :t").append(i).append(" and value = :v").append(i).append(')');
            params.put("t" + i, ids.get(i).type());
            params.put("v" + i, ids.get(i).value());
        }
        return IdentifierEntity.<IdentifierEntity>list(q.toString(), params).map(rows -> {
            Map<Identifier, UUID> owners = new HashMap<>();
            rows.forEach(e -> owners.put(Identifier.of(e.type, e.value), e.profileId));
            return owners;
        });
    }

    static Uni<List<ProfileEntity>> lockProfiles(Set<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return ProfileEntity.<ProfileEntity>find("id in ?1 order by id", List.copyOf(ids))
                .withLock(LockModeType.PESSIMISTIC_WRITE).list();
    }

    static Uni<List<IdentifierEntity>> identifiersOf(Set<UUID> profileIds) {
        if (profileIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return IdentifierEntity.list("profileId in ?1", List.copyOf(profileIds));
    }
}
