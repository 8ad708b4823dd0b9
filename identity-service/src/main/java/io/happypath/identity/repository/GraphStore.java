package io.happypath.identity.repository;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.happypath.contracts.identity.Identifier;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The set-based SQL of the resolution path: a whole Kafka poll is resolved with a handful of statements, each taking
 * arrays ({@code unnest}) instead of one round trip per row. Hibernate Reactive (the entities of this package) serves
 * the REST side, where one profile at a time is read or changed; both use the same connection pool and tables.
 */
@ApplicationScoped
public class GraphStore {

    /** A profile row as resolution needs it; traits stay JSON text until an event changes them. */
    public record ProfileRow(UUID id, Instant createdAt, Instant updatedAt, UUID mergedInto, String traits,
            String traitTimes) {
    }

    /** An identifier row. */
    public record IdentifierRow(String type, String value, UUID profileId, Instant firstSeen, Instant lastSeen) {

        public Identifier identifier() {
            return Identifier.of(type, value);
        }
    }

    /** Provenance of one identifier joining a profile. */
    public record LinkRow(UUID profileId, String type, String value, String rule, String messageId, String eventId,
            UUID mergeId, Instant at) {
    }

    /** A merge with its snapshot (JSON) of what an undo restores. */
    public record MergeRow(UUID id, UUID intoProfile, String fromProfiles, String rule, String messageId, String eventId,
            Instant at, String snapshot) {
    }

    /** A resolved raw event. */
    public record ProcessedRow(String eventId, UUID profileId, Instant at) {
    }

    /** Everything one resolution transaction writes, applied in foreign-key order. */
    public record Changes(List<ProfileRow> newProfiles, List<ProfileRow> changedProfiles,
            List<IdentifierRow> newIdentifiers, List<IdentifierRow> changedIdentifiers, List<LinkRow> links,
            List<MergeRow> merges, List<ProcessedRow> processed, List<OutboxMessage> outbox) {
    }

    private final Pool pool;

    public GraphStore(Pool pool) {
        this.pool = pool;
    }

    /** Runs {@code work} in one transaction, committed when its Uni succeeds and rolled back when it fails. */
    public <T> Uni<T> inTransaction(Function<SqlConnection, Uni<T>> work) {
        return pool.withTransaction(work);
    }

    /** The profile that resolved each of these raw events, for those already resolved. */
    public Uni<Map<String, UUID>> processed(SqlClient c, Collection<String> eventIds) {
        return c.preparedQuery("select event_id, profile_id from identity.processed_events where event_id = any($1)")
                .execute(Tuple.of(eventIds.toArray(String[]::new))).map(rows -> {
                    Map<String, UUID> found = new HashMap<>();
                    rows.forEach(r -> found.put(r.getString(0), r.getUUID(1)));
                    return found;
                });
    }

    /** The profile holding each of these identifiers, for those held. */
    public Uni<Map<Identifier, UUID>> owners(SqlClient c, Collection<Identifier> ids) {
        String[] types = new String[ids.size()];
        String[] values = new String[ids.size()];
        int i = 0;
        for (Identifier id : ids) {
            types[i] = id.type();
            values[i++] = id.value();
        }
        return c.preparedQuery("select i.type, i.value, i.profile_id from identity.identifiers i"
                + " join unnest($1::text[], $2::text[]) as q(t, v) on i.type = q.t and i.value = q.v")
                .execute(Tuple.of(types, values)).map(rows -> {
                    Map<Identifier, UUID> owners = new HashMap<>();
                    rows.forEach(r -> owners.put(Identifier.of(r.getString(0), r.getString(1)), r.getUUID(2)));
                    return owners;
                });
    }

    /**
     * Locks the profiles {@code FOR UPDATE} in id order (two transactions never wait on each other in a cycle) and
     * reads them; a profile erased meanwhile is missing from the result.
     */
    public Uni<List<ProfileRow>> lockProfiles(SqlClient c, Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return c.preparedQuery("select id, created_at, updated_at, merged_into, traits::text, trait_times::text"
                + " from identity.profiles where id = any($1) order by id for update")
                .execute(Tuple.of(ids.toArray(UUID[]::new))).map(rows -> {
                    List<ProfileRow> profiles = new ArrayList<>();
                    rows.forEach(r -> profiles.add(new ProfileRow(r.getUUID(0), instant(r, 1), instant(r, 2), r.getUUID(3),
                            r.getString(4), r.getString(5))));
                    return profiles;
                });
    }

    /** Every identifier of these profiles. */
    public Uni<List<IdentifierRow>> identifiersOf(SqlClient c, Collection<UUID> profileIds) {
        if (profileIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return c.preparedQuery("select type, value, profile_id, first_seen, last_seen from identity.identifiers"
                + " where profile_id = any($1)")
                .execute(Tuple.of(profileIds.toArray(UUID[]::new))).map(rows -> {
                    List<IdentifierRow> ids = new ArrayList<>();
                    rows.forEach(r -> ids.add(new IdentifierRow(r.getString(0), r.getString(1), r.getUUID(2), instant(r, 3),
                            instant(r, 4))));
                    return ids;
                });
    }

    /** The outbox messages of these raw events still waiting to be published, in the order they were written. */
    public Uni<List<OutboxMessage>> outboxOf(SqlClient c, Collection<String> eventIds) {
        if (eventIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return c.preparedQuery(OUTBOX_COLUMNS + " where event_id = any($1) order by id")
                .execute(Tuple.of(eventIds.toArray(String[]::new))).map(GraphStore::outboxRows);
    }

    /** Outbox messages older than {@code before}: a failed publish or a crash left them. */
    public Uni<List<OutboxMessage>> staleOutbox(Instant before, int max) {
        return pool.preparedQuery(OUTBOX_COLUMNS + " where created_at < $1 order by id limit $2")
                .execute(Tuple.of(time(before), max)).map(GraphStore::outboxRows);
    }

    /** Forgets outbox messages Kafka acknowledged. */
    public Uni<Void> deleteOutbox(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery("delete from identity.outbox where id = any($1)")
                .execute(Tuple.of(ids.toArray(Long[]::new))).replaceWithVoid();
    }

    /** Deletes up to {@code max} processed-event records older than {@code before}; returns how many it deleted. */
    public Uni<Integer> pruneProcessed(Instant before, int max) {
        return pool.preparedQuery("delete from identity.processed_events where event_id in"
                + " (select event_id from identity.processed_events where at < $1 limit $2)")
                .execute(Tuple.of(time(before), max)).map(rows -> rows.rowCount());
    }

    /**
     * Writes the changes in foreign-key order, all statements sent at once (one round trip; the server runs them in
     * order and a failure aborts the rest); returns the outbox messages with their ids.
     */
    public Uni<List<OutboxMessage>> write(SqlConnection c, Changes ch) {
        List<Uni<Void>> writes = List.of(
                insertProfiles(c, ch.newProfiles()),
                updateProfiles(c, ch.changedProfiles()),
                insertIdentifiers(c, ch.newIdentifiers()),
                updateIdentifiers(c, ch.changedIdentifiers()),
                insertLinks(c, ch.links()),
                insertMerges(c, ch.merges()),
                insertProcessed(c, ch.processed()));
        Uni<List<OutboxMessage>> outbox = insertOutbox(c, ch.outbox());
        // join().all subscribes, hence sends, in list order.
        return Uni.combine().all().unis(Uni.join().all(writes).andFailFast(), outbox).asTuple()
                .map(done -> done.getItem2());
    }

    private static Uni<Void> insertProfiles(SqlConnection c, List<ProfileRow> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return c.preparedQuery("insert into identity.profiles (id, created_at, updated_at, merged_into, traits, trait_times)"
                + " select id, c, u, m, cast(t as jsonb), cast(tt as jsonb) from unnest($1::uuid[], $2::timestamptz[],"
                + " $3::timestamptz[], $4::uuid[], $5::text[], $6::text[]) as x(id, c, u, m, t, tt)")
                .execute(Tuple.from(List.<Object>of(
                        column(rows, ProfileRow::id, UUID[]::new),
                        times(rows, ProfileRow::createdAt),
                        times(rows, ProfileRow::updatedAt),
                        column(rows, ProfileRow::mergedInto, UUID[]::new),
                        column(rows, ProfileRow::traits, String[]::new),
                        column(rows, ProfileRow::traitTimes, String[]::new))))
                .replaceWithVoid();
    }

    private static Uni<Void> updateProfiles(SqlConnection c, List<ProfileRow> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return c.preparedQuery("update identity.profiles p set updated_at = x.u, merged_into = x.m,"
                + " traits = cast(x.t as jsonb), trait_times = cast(x.tt as jsonb)"
                + " from unnest($1::uuid[], $2::timestamptz[], $3::uuid[], $4::text[], $5::text[]) as x(id, u, m, t, tt)"
                + " where p.id = x.id")
                .execute(Tuple.from(List.<Object>of(
                        column(rows, ProfileRow::id, UUID[]::new),
                        times(rows, ProfileRow::updatedAt),
                        column(rows, ProfileRow::mergedInto, UUID[]::new),
                        column(rows, ProfileRow::traits, String[]::new),
                        column(rows, ProfileRow::traitTimes, String[]::new))))
                .replaceWithVoid();
    }

    private static Uni<Void> insertIdentifiers(SqlConnection c, List<IdentifierRow> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // The primary key (type, value) turns a concurrent transaction's link of the same new identifier into a
        // unique violation, upon which the caller retries and finds that transaction's profile.
        return c.preparedQuery("insert into identity.identifiers (type, value, profile_id, first_seen, last_seen)"
                + " select * from unnest($1::text[], $2::text[], $3::uuid[], $4::timestamptz[], $5::timestamptz[])")
                .execute(identifierColumns(rows, true)).replaceWithVoid();
    }

    private static Uni<Void> updateIdentifiers(SqlConnection c, List<IdentifierRow> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return c.preparedQuery("update identity.identifiers i set profile_id = x.p, last_seen = x.l"
                + " from unnest($1::text[], $2::text[], $3::uuid[], $4::timestamptz[]) as x(t, v, p, l)"
                + " where i.type = x.t and i.value = x.v")
                .execute(identifierColumns(rows, false)).replaceWithVoid();
    }

    private static Tuple identifierColumns(List<IdentifierRow> rows, boolean withFirstSeen) {
        List<Object> columns = new ArrayList<>();
        columns.add(column(rows, IdentifierRow::type, String[]::new));
        columns.add(column(rows, IdentifierRow::value, String[]::new));
        columns.add(column(rows, IdentifierRow::profileId, UUID[]::new));
        if (withFirstSeen) {
            columns.add(times(rows, IdentifierRow::firstSeen));
        }
        columns.add(times(rows, IdentifierRow::lastSeen));
        return Tuple.tuple(columns);
    }

    private static Uni<Void> insertLinks(SqlConnection c, List<LinkRow> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return c.preparedQuery("insert into identity.links (profile_id, type, value, rule, message_id, event_id, merge_id, at)"
                + " select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],"
                + " $7::uuid[], $8::timestamptz[])")
                .execute(Tuple.from(List.<Object>of(
                        column(rows, LinkRow::profileId, UUID[]::new),
                        column(rows, LinkRow::type, String[]::new),
                        column(rows, LinkRow::value, String[]::new),
                        column(rows, LinkRow::rule, String[]::new),
                        column(rows, LinkRow::messageId, String[]::new),
                        column(rows, LinkRow::eventId, String[]::new),
                        column(rows, LinkRow::mergeId, UUID[]::new),
                        times(rows, LinkRow::at))))
                .replaceWithVoid();
    }

    private static Uni<Void> insertMerges(SqlConnection c, List<MergeRow> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return c.preparedQuery("insert into identity.merges (id, into_profile, from_profiles, rule, message_id, event_id, at,"
                + " snapshot) select id, i, f, r, m, e, a, cast(s as jsonb) from unnest($1::uuid[], $2::uuid[], $3::text[],"
                + " $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[]) as x(id, i, f, r, m, e, a, s)")
                .execute(Tuple.from(List.<Object>of(
                        column(rows, MergeRow::id, UUID[]::new),
                        column(rows, MergeRow::intoProfile, UUID[]::new),
                        column(rows, MergeRow::fromProfiles, String[]::new),
                        column(rows, MergeRow::rule, String[]::new),
                        column(rows, MergeRow::messageId, String[]::new),
                        column(rows, MergeRow::eventId, String[]::new),
                        times(rows, MergeRow::at),
                        column(rows, MergeRow::snapshot, String[]::new))))
                .replaceWithVoid();
    }

    private static Uni<Void> insertProcessed(SqlConnection c, List<ProcessedRow> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return c.preparedQuery("insert into identity.processed_events (event_id, profile_id, at)"
                + " select * from unnest($1::text[], $2::uuid[], $3::timestamptz[])")
                .execute(Tuple.of(column(rows, ProcessedRow::eventId, String[]::new),
                        column(rows, ProcessedRow::profileId, UUID[]::new), times(rows, ProcessedRow::at)))
                .replaceWithVoid();
    }

    private static Uni<List<OutboxMessage>> insertOutbox(SqlConnection c, List<OutboxMessage> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return c.preparedQuery("insert into identity.outbox (event_id, profile_id, topic, msg_key, ce_id, ce_type, data,"
                + " created_at) select * from unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[],"
                + " $7::text[], $8::timestamptz[]) returning id, ce_id")
                .execute(Tuple.from(List.<Object>of(
                        column(rows, OutboxMessage::eventId, String[]::new),
                        column(rows, OutboxMessage::profileId, UUID[]::new),
                        column(rows, OutboxMessage::topic, String[]::new),
                        column(rows, OutboxMessage::key, String[]::new),
                        column(rows, OutboxMessage::ceId, String[]::new),
                        column(rows, OutboxMessage::ceType, String[]::new),
                        column(rows, OutboxMessage::data, String[]::new),
                        times(rows, OutboxMessage::createdAt))))
                .map(result -> {
                    // Matched by CloudEvent id, unique within a transaction, rather than relying on RETURNING's order.
                    Map<String, Long> ids = new HashMap<>();
                    result.forEach(r -> ids.put(r.getString(1), r.getLong(0)));
                    return rows.stream().map(m -> m.withId(ids.get(m.ceId()))).toList();
                });
    }

    private static final String OUTBOX_COLUMNS = "select id, event_id, profile_id, topic, msg_key, ce_id, ce_type, data,"
            + " created_at from identity.outbox";

    private static List<OutboxMessage> outboxRows(Iterable<Row> rows) {
        List<OutboxMessage> messages = new ArrayList<>();
        rows.forEach(r -> messages.add(new OutboxMessage(r.getLong(0), r.getString(1), r.getUUID(2), r.getString(3),
                r.getString(4), r.getString(5), r.getString(6), r.getString(7), instant(r, 8))));
        return messages;
    }

    private static <R, V> V[] column(List<R> rows, Function<R, V> field, java.util.function.IntFunction<V[]> array) {
        V[] values = array.apply(rows.size());
        for (int i = 0; i < values.length; i++) {
            values[i] = field.apply(rows.get(i));
        }
        return values;
    }

    private static <R> OffsetDateTime[] times(List<R> rows, Function<R, Instant> field) {
        OffsetDateTime[] values = new OffsetDateTime[rows.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = time(field.apply(rows.get(i)));
        }
        return values;
    }

    private static OffsetDateTime time(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant instant(Row row, int column) {
        OffsetDateTime t = row.getOffsetDateTime(column);
        return t == null ? null : t.toInstant();
    }
}
