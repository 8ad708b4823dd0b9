package io.happypath.identity.service;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import io.happypath.contracts.identity.MergeUndone;
import io.happypath.contracts.identity.ProfileErased;
import io.happypath.identity.domain.IdentifierExtractor;
import io.happypath.identity.domain.Traits;
import io.happypath.identity.repository.ErasureEntity;
import io.happypath.identity.repository.IdentifierEntity;
import io.happypath.identity.repository.LinkEntity;
import io.happypath.identity.repository.MergeEntity;
import io.happypath.identity.repository.OutboxEntity;
import io.happypath.identity.repository.OutboxMessage;
import io.happypath.identity.repository.ProcessedEventEntity;
import io.happypath.identity.repository.ProfileEntity;
import io.happypath.platform.rest.ApiException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** Reads profiles and their history; erases profiles; undoes merges. */
@ApplicationScoped
public class ProfileService {

    private static final int MAX_HOPS = 32;

    private final ObjectMapper mapper;
    private final IdentityMetrics metrics;

    public ProfileService(ObjectMapper mapper, IdentityMetrics metrics) {
        this.mapper = mapper;
        this.metrics = metrics;
    }

    /** A profile with its identifiers and the profiles merged into it. */
    public record ProfileData(ProfileEntity profile, List<IdentifierEntity> identifiers, List<String> mergedFrom) {
    }

    /** The merge history of a profile. */
    public record History(UUID profileId, List<LinkEntity> links, List<MergeEntity> merges) {
    }

    /** The profile, following merges to the survivor; 404 when unknown or erased. */
    public Uni<ProfileData> profile(UUID id) {
        return Panache.withSession(() -> survivor(id, false).chain(p -> IdentifierEntity
                .<IdentifierEntity>list("profileId = ?1 order by type, value", p.id)
                .chain(ids -> mergedFrom(p.id).map(from -> new ProfileData(p, ids, from)))));
    }

    public Uni<History> history(UUID id) {
        return Panache.withSession(() -> survivor(id, false).chain(p -> LinkEntity
                .<LinkEntity>list("profileId = ?1 order by id", p.id)
                .chain(links -> MergeEntity.<MergeEntity>list("intoProfile = ?1 order by at", p.id)
                        .map(merges -> new History(p.id, links, merges)))));
    }

    /** The profile holding an identifier, given as resolution stores it ({@link IdentifierExtractor#normalise}). */
    public Uni<String> lookup(String type, String normalisedValue) {
        return Panache.withSession(() -> IdentifierEntity
                .<IdentifierEntity>findById(new IdentifierEntity.Key(type, normalisedValue)))
                .map(e -> e == null ? null : e.profileId.toString());
    }

    /**
     * Erases a profile and every profile merged into it: identifiers, traits, links, merge snapshots, processed
     * events and pending messages go; a tombstone (profile id, time, counts) stays to prove the erasure.
     */
    public Uni<Outgoing> erase(UUID id) {
        return Panache.withTransaction(() -> ErasureEntity.<ErasureEntity>findById(id).chain(done -> {
            if (done != null) {
                return Uni.createFrom().item(new Outgoing(id.toString(), List.of(), List.of()));
            }
            return survivor(id, true).chain(root -> cluster(root.id).chain(members -> IdentifierEntity
                    .<IdentifierEntity>list("profileId in ?1", members).chain(ids -> {
                        Instant now = Instant.now();
                        List<Identifier> gone = ids.stream().map(e -> Identifier.of(e.type, e.value)).toList();
                        String uuids = members.stream().map(u -> "'" + u + "'").collect(Collectors.joining(","));
                        // ids are parsed UUIDs, safe to inline
                        String texts = members.stream().map(u -> "from_profiles like '%" + u + "%'")
                                .collect(Collectors.joining(" or "));
                        ErasureEntity tomb = new ErasureEntity();
                        tomb.profileId = root.id;
                        tomb.erasedAt = now;
                        tomb.profilesErased = members.size();
                        tomb.identifiersErased = ids.size();
                        List<OutboxEntity> out = new ArrayList<>();
                        for (UUID member : members) {
                            out.add(message(member, CloudEventTypes.PROFILE_ERASED,
                                    new ProfileErased(member.toString(), now), "erase#" + member));
                        }
                        return Panache.getSession().chain(s -> s
                                .createNativeQuery("delete from identity.merges where into_profile in (" + uuids + ") or "
                                        + texts)
                                .executeUpdate()
                                .chain(() -> LinkEntity.delete("profileId in ?1", members))
                                .chain(() -> ProcessedEventEntity.delete("profileId in ?1", members))
                                .chain(() -> OutboxEntity.delete("profileId in ?1", members))
                                .chain(() -> IdentifierEntity.delete("profileId in ?1", members))
                                .chain(() -> s.createNativeQuery("update identity.profiles set merged_into = null where id in ("
                                        + uuids + ")").executeUpdate())
                                .chain(() -> ProfileEntity.delete("id in ?1", members))
                                .chain(() -> s.persistAll(tomb))
                                .chain(() -> s.persistAll(out.toArray()))
                                .chain(s::flush))
                                .invoke(metrics::erased)
                                .map(x -> new Outgoing(root.id.toString(), messages(out), gone));
                    })));
        }));
    }

    /**
     * Undoes a merge into {@code profileId}: the merged profiles come back with the identifiers and traits they had
     * before it; the survivor keeps what it had plus what events set after the merge.
     */
    public Uni<Outgoing> undo(UUID profileId, UUID mergeId) {
        return Panache.withTransaction(() -> MergeEntity.<MergeEntity>findById(mergeId, LockModeType.PESSIMISTIC_WRITE)
                .chain(merge -> {
                    if (merge == null || !merge.intoProfile.equals(profileId)) {
                        throw new ApiException(404, "not_found",
                                "Merge '" + mergeId + "' into profile '" + profileId + "' does not exist");
                    }
                    if (merge.undoneAt != null) {
                        throw new ApiException(409, "already_undone",
                                "Merge '" + mergeId + "' was already undone at " + merge.undoneAt);
                    }
                    List<UUID> from = merge.fromProfiles().stream().map(UUID::fromString).toList();
                    List<UUID> all = new ArrayList<>(from);
                    all.add(profileId);
                    return ProfileEntity.<ProfileEntity>find("id in ?1 order by id", all)
                            .withLock(LockModeType.PESSIMISTIC_WRITE).list()
                            .chain(profiles -> restore(merge, profileId, from, profiles));
                }));
    }

    @SuppressWarnings("unchecked")
    private Uni<Outgoing> restore(MergeEntity merge, UUID profileId, List<UUID> from, List<ProfileEntity> profiles) {
        Map<UUID, ProfileEntity> byId = new LinkedHashMap<>();
        profiles.forEach(p -> byId.put(p.id, p));
        ProfileEntity survivor = byId.get(profileId);
        if (survivor == null) {
            throw ApiException.notFound("Profile", profileId.toString());
        }
        if (survivor.mergedInto != null) {
            throw new ApiException(409, "merged_since", "Profile '" + profileId + "' was merged into '"
                    + survivor.mergedInto + "' after this merge: undo that merge first");
        }
        for (UUID f : from) {
            ProfileEntity p = byId.get(f);
            if (p == null || !profileId.equals(p.mergedInto)) {
                throw new ApiException(409, "conflict", "Profile '" + f + "' is no longer merged into '" + profileId + "'");
            }
        }
        Instant now = Instant.now();
        List<Map<String, Object>> snapshots = (List<Map<String, Object>>) merge.snapshot.get("profiles");
        Map<String, Object> into = (Map<String, Object>) merge.snapshot.get("into");
        List<Identifier> moved = new ArrayList<>();
        List<OutboxEntity> out = new ArrayList<>();
        List<Object> links = new ArrayList<>();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Map<String, Object> snap : snapshots) {
            UUID back = UUID.fromString((String) snap.get("profileId"));
            ProfileEntity p = byId.get(back);
            p.mergedInto = null;
            p.updatedAt = now;
            p.traits = (Map<String, Object>) snap.get("traits");
            p.traitTimes = (Map<String, String>) snap.get("traitTimes");
            List<Identifier> ids = ((List<Map<String, String>>) snap.get("identifiers")).stream()
                    .map(m -> Identifier.of(m.get("type"), m.get("value"))).toList();
            for (Identifier i : ids) {
                chain = chain.chain(() -> IdentifierEntity
                        .update("profileId = ?1 where type = ?2 and value = ?3 and profileId = ?4", back, i.type(),
                                i.value(), profileId)
                        .invoke(n -> {
                            if (n > 0) {
                                moved.add(i);
                                LinkEntity l = new LinkEntity();
                                l.profileId = back;
                                l.type = i.type();
                                l.value = i.value();
                                l.rule = "undo";
                                l.mergeId = merge.id;
                                l.at = now;
                                links.add(l);
                            }
                        }).replaceWithVoid());
            }
        }
        Traits current = new Traits(survivor.traits, survivor.traitTimes);
        Traits restored = current.newerThan(merge.at,
                new Traits((Map<String, Object>) into.get("traits"), (Map<String, String>) into.get("traitTimes")));
        survivor.traits = restored.values();
        survivor.traitTimes = restored.times();
        survivor.updatedAt = now;
        merge.undoneAt = now;
        return chain.chain(() -> {
            out.add(message(profileId, CloudEventTypes.MERGE_UNDONE,
                    new MergeUndone(profileId.toString(), merge.fromProfiles(), merge.id.toString(), now),
                    "undo#" + merge.id));
            for (UUID f : from) {
                List<Identifier> back = moved.stream().filter(i -> links.stream()
                        .anyMatch(l -> ((LinkEntity) l).profileId.equals(f) && ((LinkEntity) l).type.equals(i.type())
                                && ((LinkEntity) l).value.equals(i.value())))
                        .toList();
                if (!back.isEmpty()) {
                    out.add(message(f, CloudEventTypes.IDENTIFIERS_LINKED,
                            new IdentifiersLinked(f.toString(), back, null, now), "undo#" + merge.id + "#" + f));
                }
            }
            metrics.undone();
            return Panache.getSession().chain(s -> s.persistAll(links.toArray()).chain(() -> s.persistAll(out.toArray()))
                    .chain(s::flush));
        }).map(x -> new Outgoing(profileId.toString(), messages(out), moved));
    }

    private Uni<ProfileEntity> survivor(UUID id, boolean lock) {
        return follow(id, lock, 0);
    }

    private Uni<ProfileEntity> follow(UUID id, boolean lock, int hops) {
        Uni<ProfileEntity> find = lock
                ? ProfileEntity.findById(id, LockModeType.PESSIMISTIC_WRITE)
                : ProfileEntity.findById(id);
        return find.chain(p -> {
            if (p == null) {
                throw ApiException.notFound("Profile", id.toString());
            }
            if (p.mergedInto != null && hops < MAX_HOPS) {
                return follow(p.mergedInto, lock, hops + 1);
            }
            return Uni.createFrom().item(p);
        });
    }

    private static Uni<List<String>> mergedFrom(UUID root) {
        return cluster(root).map(ids -> ids.stream().filter(i -> !i.equals(root)).map(UUID::toString).toList());
    }

    /** The profile and every profile merged into it, directly or through others. */
    private static Uni<List<UUID>> cluster(UUID root) {
        return Panache.getSession().chain(s -> s.createNativeQuery(
                "with recursive c(id) as (select cast(:root as uuid) union select p.id from identity.profiles p join c on p.merged_into = c.id)"
                        + " select cast(id as varchar) from c",
                String.class).setParameter("root", root.toString()).getResultList())
                .map(rows -> rows.stream().map(UUID::fromString).toList());
    }

    /** The persisted rows as messages to publish; their ids are set once the session flushed. */
    private static List<OutboxMessage> messages(List<OutboxEntity> rows) {
        return rows.stream().map(OutboxEntity::toMessage).toList();
    }

    private OutboxEntity message(UUID profileId, String type, Object data, String seed) {
        OutboxEntity o = new OutboxEntity();
        o.profileId = profileId;
        o.topic = Topics.IDENTITY;
        o.key = profileId.toString();
        o.ceId = UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
        o.ceType = type;
        try {
            o.data = mapper.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        o.createdAt = Instant.now();
        return o;
    }
}
