package io.happypath.identity.service;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.happypath.contracts.CloudEventTypes;
import io.happypath.contracts.Topics;
import io.happypath.contracts.identity.Identifier;
import io.happypath.contracts.identity.IdentifiersLinked;
import io.happypath.contracts.identity.ProfileCreated;
import io.happypath.contracts.identity.ProfileMerged;
import io.happypath.contracts.segment.SegmentMessage;
import io.happypath.identity.domain.ProfileView;
import io.happypath.identity.domain.Resolution;
import io.happypath.identity.domain.Resolver;
import io.happypath.identity.domain.StoredIdentifier;
import io.happypath.identity.domain.Traits;
import io.happypath.identity.repository.GraphStore.Changes;
import io.happypath.identity.repository.GraphStore.IdentifierRow;
import io.happypath.identity.repository.GraphStore.LinkRow;
import io.happypath.identity.repository.GraphStore.MergeRow;
import io.happypath.identity.repository.GraphStore.ProcessedRow;
import io.happypath.identity.repository.GraphStore.ProfileRow;
import io.happypath.identity.repository.OutboxMessage;

/**
 * The part of the identity graph one resolution transaction can touch, in memory: read once (the profiles holding
 * any identifier of the batch, locked, with all their identifiers), then every event is resolved against it in
 * batch order, so an event sees what the events before it did (a profile created, identifiers moved by a merge), and
 * finally written back as a few set-based statements ({@link #changes()}). Not thread-safe: one per transaction.
 */
final class GraphBatch {

    /**
     * How far a stored {@code last_seen} may lag before an event rewrites it. The limit windows are a week or longer,
     * so an hour does not change a decision, and it spares a write per event for people who are active right now.
     */
    static final Duration LAST_SEEN_PRECISION = Duration.ofHours(1);

    private static final TypeReference<Map<String, Object>> VALUES = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, String>> TIMES = new TypeReference<>() {
    };

    /** What one event did: its profile, its outbox messages (in publishing order) and the identifiers that moved. */
    record Applied(UUID profileId, List<OutboxMessage> messages, List<Identifier> moved) {
    }

    private final Resolver resolver;
    private final ObjectMapper mapper;
    private final Instant now;
    private final Map<Identifier, Held> identifiers = new HashMap<>();
    private final Map<UUID, Profile> profiles = new LinkedHashMap<>();
    private final List<LinkRow> links = new ArrayList<>();
    private final List<MergeRow> merges = new ArrayList<>();
    private final List<ProcessedRow> processed = new ArrayList<>();
    private final List<OutboxMessage> outbox = new ArrayList<>();
    private int profilesCreated;
    private int identifiersLinked;
    private int profilesMerged;

    GraphBatch(Resolver resolver, ObjectMapper mapper, Instant now, List<ProfileRow> lockedProfiles,
            List<IdentifierRow> theirIdentifiers) {
        this.resolver = resolver;
        this.mapper = mapper;
        this.now = now;
        for (ProfileRow row : lockedProfiles) {
            profiles.put(row.id(), new Profile(row));
        }
        for (IdentifierRow row : theirIdentifiers) {
            identifiers.put(row.identifier(), new Held(row));
            profiles.get(row.profileId()).ids.add(row.identifier());
        }
    }

    int profilesCreated() {
        return profilesCreated;
    }

    int identifiersLinked() {
        return identifiersLinked;
    }

    int profilesMerged() {
        return profilesMerged;
    }

    /** Resolves one event (ALGORITHMS.md, "Identity resolution") against the current state and records the changes. */
    Applied apply(String eventId, SegmentMessage message, List<Identifier> ids) {
        Map<Identifier, String> owners = new HashMap<>();
        Map<String, ProfileView> views = new HashMap<>();
        for (Identifier id : ids) {
            Held held = identifiers.get(id);
            if (held != null) {
                owners.put(id, held.profileId.toString());
                views.computeIfAbsent(held.profileId.toString(), k -> profiles.get(held.profileId).view());
            }
        }
        Resolution r = resolver.resolve(ids, owners, views, now);

        List<OutboxMessage> messages = new ArrayList<>();
        List<Identifier> moved = new ArrayList<>();
        Profile survivor;
        if (r.createsProfile()) {
            survivor = new Profile(UUID.randomUUID());
            profiles.put(survivor.id, survivor);
            profilesCreated++;
            messages.add(identityMessage(eventId, survivor.id, CloudEventTypes.PROFILE_CREATED,
                    new ProfileCreated(survivor.id.toString(), r.identifiers(), message.messageId(), now), 0));
        } else {
            survivor = profiles.get(UUID.fromString(r.survivor()));
        }
        // Parsed only when needed: most events (track, page) leave the traits alone.
        Traits traits = null;

        if (r.merges()) {
            traits = survivor.traits();
            UUID mergeId = UUID.randomUUID();
            String rule = "merge:" + r.rule().substring("match:".length());
            List<Map<String, Object>> snapshots = new ArrayList<>();
            for (String mergedId : r.merged()) {
                Profile from = profiles.get(UUID.fromString(mergedId));
                List<Map<String, Object>> fromIds = new ArrayList<>();
                for (Identifier i : from.ids) {
                    Held held = identifiers.get(i);
                    held.profileId = survivor.id;
                    held.moved = true;
                    survivor.ids.add(i);
                    moved.add(i);
                    fromIds.add(Map.of("type", i.type(), "value", i.value()));
                    links.add(new LinkRow(survivor.id, i.type(), i.value(), rule, message.messageId(), eventId, mergeId, now));
                }
                from.ids.clear();
                Map<String, Object> snapshot = new LinkedHashMap<>();
                snapshot.put("profileId", mergedId);
                snapshot.put("identifiers", fromIds);
                snapshot.put("traits", from.traits().values());
                snapshot.put("traitTimes", from.traits().times());
                snapshots.add(snapshot);
                traits = traits.merge(from.traits());
                from.mergedInto = survivor.id;
                from.changed();
            }
            // What an undo restores: the merged profiles as they were, and the survivor's traits before the merge.
            Map<String, Object> snapshot = new LinkedHashMap<>();
            snapshot.put("profiles", snapshots);
            snapshot.put("into", Map.of("traits", survivor.traits().values(), "traitTimes", survivor.traits().times()));
            merges.add(new MergeRow(mergeId, survivor.id, String.join(",", r.merged()), r.rule(), message.messageId(),
                    eventId, now, json(snapshot)));
            profilesMerged += r.merged().size();
            survivor.changed();
            messages.add(identityMessage(eventId, survivor.id, CloudEventTypes.PROFILE_MERGED,
                    new ProfileMerged(survivor.id.toString(), r.merged(), mergeId.toString(), r.rule(), r.identifiers(),
                            message.messageId(), now),
                    1));
        }

        for (Identifier kept : r.identifiers()) {
            Held held = identifiers.get(kept);
            if (held != null) {
                held.lastSeen = now;
            }
        }
        for (Identifier fresh : r.newIdentifiers()) {
            identifiers.put(fresh, new Held(fresh, survivor.id, now));
            survivor.ids.add(fresh);
            links.add(new LinkRow(survivor.id, fresh.type(), fresh.value(), r.rule(), message.messageId(), eventId, null,
                    now));
        }
        identifiersLinked += r.newIdentifiers().size();
        if (!r.createsProfile() && !r.newIdentifiers().isEmpty()) {
            survivor.changed();
            messages.add(identityMessage(eventId, survivor.id, CloudEventTypes.IDENTIFIERS_LINKED,
                    new IdentifiersLinked(survivor.id.toString(), r.newIdentifiers(), message.messageId(), now), 2));
        }

        Instant eventTime = message.timestamp() != null ? message.timestamp() : now;
        if (SegmentMessage.IDENTIFY.equals(message.type()) && message.traits() != null) {
            traits = (traits != null ? traits : survivor.traits()).with(message.traits(), eventTime);
        } else if (SegmentMessage.GROUP.equals(message.type()) && message.traits() != null) {
            traits = (traits != null ? traits : survivor.traits())
                    .with(Map.of("groups." + message.groupId(), message.traits()), eventTime);
        }
        if (traits != null && !traits.equals(survivor.traits())) {
            survivor.traits = traits;
            survivor.changed();
        }

        processed.add(new ProcessedRow(eventId, survivor.id, now));
        messages.add(new OutboxMessage(null, eventId, survivor.id, Topics.EVENTS, survivor.id.toString(), eventId,
                message.cloudEventType(), json(message.withProfileId(survivor.id.toString())), now));
        outbox.addAll(messages);
        return new Applied(survivor.id, messages, moved);
    }

    /** The rows to write; identifiers sorted by key so that concurrent transactions lock them in the same order. */
    Changes changes() {
        List<ProfileRow> newProfiles = new ArrayList<>();
        List<ProfileRow> changedProfiles = new ArrayList<>();
        for (Profile p : profiles.values()) {
            if (p.fresh) {
                newProfiles.add(p.row());
            } else if (p.changed) {
                changedProfiles.add(p.row());
            }
        }
        changedProfiles.sort(Comparator.comparing(ProfileRow::id));
        List<IdentifierRow> newIdentifiers = new ArrayList<>();
        List<IdentifierRow> changedIdentifiers = new ArrayList<>();
        for (Held h : identifiers.values()) {
            if (h.storedLastSeen == null) {
                newIdentifiers.add(h.row());
            } else if (h.moved || h.lastSeen.isAfter(h.storedLastSeen.plus(LAST_SEEN_PRECISION))) {
                changedIdentifiers.add(h.row());
            }
        }
        Comparator<IdentifierRow> byKey = Comparator.comparing(IdentifierRow::type).thenComparing(IdentifierRow::value);
        newIdentifiers.sort(byKey);
        changedIdentifiers.sort(byKey);
        return new Changes(newProfiles, changedProfiles, newIdentifiers, changedIdentifiers, links, merges, processed,
                outbox);
    }

    private OutboxMessage identityMessage(String eventId, UUID profileId, String type, Object data, int n) {
        // Deterministic per event, so a republished message keeps its id and consumers drop the copy.
        String ceId = UUID.nameUUIDFromBytes((eventId + "#" + type + "#" + n).getBytes(StandardCharsets.UTF_8)).toString();
        return new OutboxMessage(null, eventId, profileId, Topics.IDENTITY, profileId.toString(), ceId, type, json(data),
                now);
    }

    String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    private <T> T read(String json, TypeReference<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable JSON column", e);
        }
    }

    /** An identifier as this transaction knows it. */
    private static final class Held {

        final Identifier identifier;
        final Instant firstSeen;
        /** As read from the database; null for an identifier this transaction adds. */
        final Instant storedLastSeen;
        UUID profileId;
        Instant lastSeen;
        boolean moved;

        Held(IdentifierRow row) {
            identifier = row.identifier();
            profileId = row.profileId();
            firstSeen = row.firstSeen();
            storedLastSeen = row.lastSeen();
            lastSeen = row.lastSeen();
        }

        Held(Identifier identifier, UUID profileId, Instant now) {
            this.identifier = identifier;
            this.profileId = profileId;
            firstSeen = now;
            storedLastSeen = null;
            lastSeen = now;
        }

        IdentifierRow row() {
            return new IdentifierRow(identifier.type(), identifier.value(), profileId, firstSeen, lastSeen);
        }
    }

    /** A profile as this transaction knows it. */
    private final class Profile {

        final UUID id;
        final Instant createdAt;
        /** Created by this transaction. */
        final boolean fresh;
        final Set<Identifier> ids = new LinkedHashSet<>();
        Instant updatedAt;
        UUID mergedInto;
        boolean changed;
        /** The stored traits, parsed only when an event needs them. */
        private final String storedTraits;
        private final String storedTraitTimes;
        private Traits traits;

        Profile(ProfileRow row) {
            id = row.id();
            createdAt = row.createdAt();
            updatedAt = row.updatedAt();
            mergedInto = row.mergedInto();
            storedTraits = row.traits();
            storedTraitTimes = row.traitTimes();
            fresh = false;
        }

        Profile(UUID id) {
            this.id = id;
            createdAt = now;
            updatedAt = now;
            storedTraits = null;
            storedTraitTimes = null;
            traits = Traits.empty();
            fresh = true;
        }

        Traits traits() {
            if (traits == null) {
                traits = new Traits(read(storedTraits, VALUES), read(storedTraitTimes, TIMES));
            }
            return traits;
        }

        void changed() {
            changed = true;
            updatedAt = now;
        }

        ProfileView view() {
            List<StoredIdentifier> stored = new ArrayList<>(ids.size());
            for (Identifier i : ids) {
                Held h = identifiers.get(i);
                stored.add(new StoredIdentifier(i, h.firstSeen, h.lastSeen));
            }
            return new ProfileView(id.toString(), createdAt, stored);
        }

        ProfileRow row() {
            if (traits == null) {
                // never parsed, hence unchanged
                return new ProfileRow(id, createdAt, updatedAt, mergedInto, storedTraits, storedTraitTimes);
            }
            return new ProfileRow(id, createdAt, updatedAt, mergedInto, json(traits.values()), json(traits.times()));
        }
    }
}
