package io.happypath.analytics.repository;

import static io.happypath.analytics.repository.ProfileLocks.lockEntries;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.happypath.analytics.domain.Facts;
import io.happypath.analytics.domain.JourneyAggregate;
import io.happypath.analytics.domain.JourneyAggregate.Conversion;
import io.happypath.analytics.domain.JourneyAggregate.Entry;
import io.happypath.analytics.domain.JourneyAggregate.Signed;
import io.happypath.analytics.domain.PathAggregate;
import io.happypath.analytics.domain.PathRuns;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Keeps the per-profile aggregates in step with the facts, inside the transaction that writes them: each profile's
 * path ({@code profile_path}), the Sankey counts its path contributes ({@code path_node}, {@code path_link}), the
 * journeys it entered ({@code journey_profile}), its stage-to-stage conversions ({@code stage_conversion}), its stage
 * ranks ({@code journey_stage}) and the funnel's counts per day its entries and conversions make ({@code stage_day},
 * {@code conversion_day}). Every change is applied as a difference: what the profile contributed before is taken
 * away and what it contributes now is added, so the counts stay exact whatever order facts, merges and erasures come
 * in.
 * <p>
 * The per-profile computations run on a worker thread, not on the event loop.
 * <p>
 * Concurrency: a transaction locks the path rows of the profiles whose paths or path counts it changes (the existing
 * ones in id order, then the missing ones created empty in id order), then writes counts in key order; two
 * transactions that share such a profile therefore run one after the other, and the count rows they share cannot
 * deadlock. Changes of stage entries are serialised per profile by an advisory lock taken before any path row lock
 * ({@link ProfileLocks#lockEntries}).
 */
@ApplicationScoped
public class AggregateWriter {

    /** A profile's stored path, and its last step (to tell whether a new step extends it in order). */
    record StoredPath(PathRuns runs, Instant lastAt, String lastEventId) {

        static final StoredPath EMPTY = new StoredPath(PathRuns.EMPTY, null, null);

        /** The path of {@code steps}, in {@link PathRuns#ORDER}. */
        static StoredPath of(List<PathRuns.Step> steps) {
            return EMPTY.append(steps);
        }

        /** This path extended by {@code steps}, which come after its last step, in {@link PathRuns#ORDER}. */
        StoredPath append(List<PathRuns.Step> steps) {
            if (steps.isEmpty()) {
                return this;
            }
            PathRuns.Step last = steps.get(steps.size() - 1);
            return new StoredPath(runs.append(steps), last.ts(), last.eventId());
        }

        /** Whether {@code step} comes after this path's last step. */
        boolean precedes(PathRuns.Step step) {
            return lastAt == null
                    || PathRuns.ORDER.compare(new PathRuns.Step(lastEventId, lastAt, "", ""), step) < 0;
        }
    }

    /** Adds new path steps (already stored as facts, profile ids resolved) to their profiles' paths and counts. */
    public Uni<Void> addSteps(SqlConnection c, List<Facts.Step> inserted) {
        if (inserted.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Map<String, List<PathRuns.Step>> byProfile = new TreeMap<>();
        for (Facts.Step s : inserted) {
            byProfile.computeIfAbsent(s.profileId(), p -> new ArrayList<>())
                    .add(new PathRuns.Step(s.eventId(), s.ts(), s.channel(), s.event()));
        }
        byProfile.values().forEach(l -> l.sort(PathRuns.ORDER));
        return lock(c, byProfile.keySet()).chain(stored -> {
            // A step older than the path's last one (a late event) changes the path in the middle: read it again.
            List<String> reread = byProfile.entrySet().stream()
                    .filter(e -> !stored.getOrDefault(e.getKey(), StoredPath.EMPTY).precedes(e.getValue().get(0)))
                    .map(Map.Entry::getKey).toList();
            return steps(c, reread).emitOn(Infrastructure.getDefaultWorkerPool()).chain(full -> {
                Map<String, StoredPath> updated = new TreeMap<>();
                List<String> changed = new ArrayList<>();
                byProfile.forEach((p, steps) -> {
                    StoredPath before = stored.getOrDefault(p, StoredPath.EMPTY);
                    StoredPath after = full.containsKey(p) ? StoredPath.of(full.get(p)) : before.append(steps);
                    updated.put(p, after);
                    if (!PathAggregate.sameCounts(before.runs(), after.runs())) {
                        changed.add(p);
                    }
                });
                return journeys(c, changed).chain(journeys -> {
                    PathAggregate.Delta delta = new PathAggregate.Delta();
                    for (String p : changed) {
                        Set<String> js = journeys.getOrDefault(p, Set.of());
                        delta.add(stored.getOrDefault(p, StoredPath.EMPTY).runs(), js, -1).add(updated.get(p).runs(), js, 1);
                    }
                    return writePaths(c, updated).chain(() -> writeCounts(c, delta));
                });
            });
        });
    }

    /**
     * Runs {@code change} (which may add, re-key or delete any facts and stage entries of {@code profileIds}) and
     * brings every aggregate of those profiles up to date with it. With {@code rereadPaths} the paths are read again
     * from the facts (merges, erasures, rebuilds); without, only the stage entries changed (journey facts).
     */
    public Uni<Void> around(SqlConnection c, Collection<String> profileIds, Supplier<Uni<Void>> change,
            boolean rereadPaths) {
        Set<String> ids = new TreeSet<>(profileIds);
        if (ids.isEmpty()) {
            return change.get();
        }
        // A change that rewrites paths locks them all first. Journey facts change only stage entries: they lock the
        // paths of just the profiles whose set of journeys changes (whose path counts move to other journeys), so
        // that the path steps of the other profiles are written meanwhile instead of waiting for them.
        Uni<Map<String, StoredPath>> pathsFirst = rereadPaths ? lock(c, ids) : Uni.createFrom().item(Map.of());
        return lockEntries(c, ids).chain(() -> pathsFirst).chain(locked -> entries(c, ids).chain(before -> change.get()
                .chain(() -> entries(c, ids))
                .chain(after -> (rereadPaths ? Uni.createFrom().item(locked) : lock(c, journeysChanged(ids, before, after)))
                        .chain(stored -> (rereadPaths
                                ? steps(c, ids)
                                : Uni.createFrom().item(Map.<String, List<PathRuns.Step>>of()))
                                .emitOn(Infrastructure.getDefaultWorkerPool())
                                .chain(steps -> follow(c, ids, stored, before, after, steps, rereadPaths))))));
    }

    /** The profiles whose set of journeys differs between the two sets of stage entries. */
    private static List<String> journeysChanged(Set<String> ids, Map<String, List<Entry>> before,
            Map<String, List<Entry>> after) {
        return ids.stream().filter(p -> !JourneyAggregate.journeys(before.getOrDefault(p, List.of()))
                .equals(JourneyAggregate.journeys(after.getOrDefault(p, List.of())))).toList();
    }

    /**
     * Writes what the profiles' change did to the aggregates: paths (when read again), journeys entered, conversions,
     * ranks, per-day counts and path counts.
     *
     * @param stored the locked paths as they were (at least of the profiles whose journeys or paths changed)
     */
    private Uni<Void> follow(SqlConnection c, Set<String> ids, Map<String, StoredPath> stored,
            Map<String, List<Entry>> before, Map<String, List<Entry>> after, Map<String, List<PathRuns.Step>> steps,
            boolean rereadPaths) {
        Map<String, StoredPath> paths = new TreeMap<>();
        PathAggregate.Delta pathDelta = new PathAggregate.Delta();
        JourneyAggregate.RankDelta ranks = new JourneyAggregate.RankDelta();
        JourneyAggregate.DayDelta days = new JourneyAggregate.DayDelta();
        List<ProfileConversion> removed = new ArrayList<>();
        List<ProfileConversion> upserted = new ArrayList<>();
        List<String[]> journeysGone = new ArrayList<>();
        List<String[]> journeysNew = new ArrayList<>();
        for (String p : ids) {
            StoredPath was = stored.getOrDefault(p, StoredPath.EMPTY);
            StoredPath is = rereadPaths ? StoredPath.of(steps.getOrDefault(p, List.of())) : was;
            List<Entry> e0 = before.getOrDefault(p, List.of());
            List<Entry> e1 = after.getOrDefault(p, List.of());
            Set<String> j0 = JourneyAggregate.journeys(e0);
            Set<String> j1 = JourneyAggregate.journeys(e1);
            if (rereadPaths) {
                paths.put(p, is);
            }
            if (!j0.equals(j1) || !PathAggregate.sameCounts(was.runs(), is.runs())) {
                pathDelta.add(was.runs(), j0, -1).add(is.runs(), j1, 1);
            }
            if (!e0.equals(e1)) {
                ranks.add(e0, -1).add(e1, 1);
                Set<Conversion> c0 = JourneyAggregate.conversions(e0);
                Set<Conversion> c1 = JourneyAggregate.conversions(e1);
                diff(p, c0, c1, removed, upserted);
                days.add(e0, e1, c0, c1);
                j0.stream().filter(j -> !j1.contains(j))
                        .forEach(j -> journeysGone.add(new String[]{j, p}));
                j1.stream().filter(j -> !j0.contains(j))
                        .forEach(j -> journeysNew.add(new String[]{j, p}));
            }
        }
        // Rows that concurrent batches share stay locked until commit: the more batches share them, the later they are
        // written (the stage ranks, a few rows per journey, last). Every transaction writes them in this order.
        return writePaths(c, paths)
                .chain(() -> writeJourneyProfiles(c, journeysGone, journeysNew))
                .chain(() -> writeConversions(c, removed, upserted))
                .chain(() -> writeDays(c, days))
                .chain(() -> writeCounts(c, pathDelta))
                .chain(() -> writeRanks(c, ranks));
    }

    /** A profile's conversion, as a row of {@code stage_conversion}. */
    private record ProfileConversion(String profileId, Conversion conversion) {
    }

    /**
     * Adds to {@code removed} the conversions of {@code before} whose stage pair is gone, and to {@code upserted} the
     * conversions of {@code after} that are new or whose times changed.
     */
    private static void diff(String profile, Set<Conversion> before, Set<Conversion> after,
            List<ProfileConversion> removed, List<ProfileConversion> upserted) {
        Set<List<String>> afterPairs = new HashSet<>();
        after.forEach(x -> afterPairs.add(List.of(x.journeyId(), x.stage(), x.nextStage())));
        before.stream().filter(x -> !afterPairs.contains(List.of(x.journeyId(), x.stage(), x.nextStage())))
                .forEach(x -> removed.add(new ProfileConversion(profile, x)));
        after.stream().filter(x -> !before.contains(x)).forEach(x -> upserted.add(new ProfileConversion(profile, x)));
    }

    /**
     * Locks the path rows of {@code profileIds} and reads them, creating the missing ones empty. The existing rows are
     * locked first, in id order, with one probe each; only the ids not found are inserted (in id order, and a new row
     * stays locked by its creator until commit). An id that another transaction created in between is locked by a
     * third statement: in that rare race two transactions can wait for each other's rows, which PostgreSQL detects
     * and the batch is retried.
     */
    Uni<Map<String, StoredPath>> lock(SqlConnection c, Collection<String> profileIds) {
        if (profileIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        Set<String> ids = new TreeSet<>(profileIds);
        Map<String, StoredPath> out = new HashMap<>();
        return lockExisting(c, ids, out).chain(() -> {
            String[] missing = ids.stream().filter(p -> !out.containsKey(p)).toArray(String[]::new);
            if (missing.length == 0) {
                return Uni.createFrom().item(out);
            }
            return c.preparedQuery("INSERT INTO analytics.profile_path (profile_id) SELECT p FROM unnest($1::text[]) p "
                    + "ORDER BY p ON CONFLICT DO NOTHING RETURNING profile_id")
                    .execute(Tuple.tuple().addArrayOfString(missing))
                    .chain(created -> {
                        Set<String> raced = new TreeSet<>(List.of(missing));
                        created.forEach(r -> {
                            raced.remove(r.getString(0));
                            out.put(r.getString(0), StoredPath.EMPTY);
                        });
                        return lockExisting(c, raced, out).replaceWith(out);
                    });
        });
    }

    /** Locks the existing path rows of {@code ids} in id order and puts what they hold into {@code out}. */
    private static Uni<Void> lockExisting(SqlConnection c, Set<String> ids, Map<String, StoredPath> out) {
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return c.preparedQuery("SELECT profile_id, last_at, last_event_id, channels, events, run_at "
                + "FROM analytics.profile_path WHERE profile_id = ANY($1) ORDER BY profile_id FOR UPDATE")
                .execute(Tuple.tuple().addArrayOfString(ids.toArray(String[]::new)))
                .invoke(rows -> {
                    for (Row r : rows) {
                        OffsetDateTime[] at = r.getArrayOfOffsetDateTimes("run_at");
                        List<Instant> times = new ArrayList<>(at.length);
                        for (OffsetDateTime t0 : at) {
                            times.add(t0.toInstant());
                        }
                        OffsetDateTime last = r.getOffsetDateTime("last_at");
                        out.put(r.getString("profile_id"), new StoredPath(
                                new PathRuns(List.of(r.getArrayOfStrings("channels")), List.of(r.getArrayOfStrings("events")),
                                        times),
                                last == null ? null : last.toInstant(), r.getString("last_event_id")));
                    }
                }).replaceWithVoid();
    }

    /** Every path step of the profiles, in path order. */
    Uni<Map<String, List<PathRuns.Step>>> steps(SqlConnection c, Collection<String> profileIds) {
        if (profileIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return c.preparedQuery("SELECT profile_id, event_id, ts, channel, event FROM analytics.fact_event "
                + "WHERE profile_id = ANY($1) ORDER BY profile_id, ts, event_id COLLATE \"C\"")
                .execute(Tuple.tuple().addArrayOfString(profileIds.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, List<PathRuns.Step>> out = new HashMap<>();
                    for (Row r : rows) {
                        out.computeIfAbsent(r.getString(0), p -> new ArrayList<>()).add(new PathRuns.Step(r.getString(1),
                                r.getOffsetDateTime(2).toInstant(), r.getString(3), r.getString(4)));
                    }
                    // Same order as PathRuns.ORDER; sorting again makes that independent of the database's collation.
                    out.values().forEach(l -> l.sort(PathRuns.ORDER));
                    return out;
                });
    }

    /** The first stage entries of the profiles. */
    Uni<Map<String, List<Entry>>> entries(SqlConnection c, Collection<String> profileIds) {
        return c.preparedQuery("SELECT profile_id, journey_id, stage, first_at, entries FROM analytics.stage_entry "
                + "WHERE profile_id = ANY($1)")
                .execute(Tuple.tuple().addArrayOfString(profileIds.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, List<Entry>> out = new HashMap<>();
                    for (Row r : rows) {
                        out.computeIfAbsent(r.getString(0), p -> new ArrayList<>())
                                .add(new Entry(r.getString(1), r.getString(2), r.getOffsetDateTime(3).toInstant(),
                                        r.getInteger(4)));
                    }
                    // Compared as lists before and after a change: a fixed order.
                    out.values().forEach(l -> l.sort(java.util.Comparator.comparing(Entry::journeyId)
                            .thenComparing(Entry::stage)));
                    return out;
                });
    }

    /** The journeys each profile entered. */
    Uni<Map<String, Set<String>>> journeys(SqlConnection c, Collection<String> profileIds) {
        if (profileIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return c.preparedQuery("SELECT profile_id, journey_id FROM analytics.journey_profile WHERE profile_id = ANY($1)")
                .execute(Tuple.tuple().addArrayOfString(profileIds.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, Set<String>> out = new HashMap<>();
                    rows.forEach(r -> out.computeIfAbsent(r.getString(0), p -> new HashSet<>()).add(r.getString(1)));
                    return out;
                });
    }

    /** Stores paths; a profile whose path became empty loses its row. */
    private Uni<Void> writePaths(SqlConnection c, Map<String, StoredPath> paths) {
        List<Tuple> updates = new ArrayList<>();
        List<String> empty = new ArrayList<>();
        paths.forEach((p, s) -> {
            if (s.runs().isEmpty()) {
                empty.add(p);
                return;
            }
            PathRuns r = s.runs();
            updates.add(Tuple.tuple().addString(p).addOffsetDateTime(time(r.startAt())).addString(r.firstChannel())
                    .addOffsetDateTime(time(s.lastAt())).addString(s.lastEventId())
                    .addArrayOfString(r.channels().toArray(String[]::new)).addArrayOfString(r.events().toArray(String[]::new))
                    .addArrayOfOffsetDateTime(r.at().stream().map(AggregateWriter::time).toArray(OffsetDateTime[]::new)));
        });
        Uni<Void> chain = updates.isEmpty()
                ? Uni.createFrom().voidItem()
                : c.preparedQuery("UPDATE analytics.profile_path SET start_at = $2, first_channel = $3, last_at = $4, "
                        + "last_event_id = $5, channels = $6, events = $7, run_at = $8 WHERE profile_id = $1")
                        .executeBatch(updates).replaceWithVoid();
        if (!empty.isEmpty()) {
            chain = chain.chain(() -> c.preparedQuery("DELETE FROM analytics.profile_path WHERE profile_id = ANY($1)")
                    .execute(Tuple.tuple().addArrayOfString(empty.toArray(String[]::new))).replaceWithVoid());
        }
        return chain;
    }

    /** Adds the changes of node and link counts, in key order. */
    Uni<Void> writeCounts(SqlConnection c, PathAggregate.Delta delta) {
        Map<PathAggregate.NodeKey, Long> nodes = delta.nodes();
        Map<PathAggregate.LinkKey, Long> links = delta.links();
        Uni<Void> chain = Uni.createFrom().voidItem();
        if (!nodes.isEmpty()) {
            int n = nodes.size();
            String[] journey = new String[n];
            String[] kind = new String[n];
            LocalDate[] day = new LocalDate[n];
            Integer[] pos = new Integer[n];
            String[] label = new String[n];
            Long[] change = new Long[n];
            int i = 0;
            for (Map.Entry<PathAggregate.NodeKey, Long> e : nodes.entrySet()) {
                PathAggregate.NodeKey k = e.getKey();
                journey[i] = k.journeyId();
                kind[i] = k.labelKind();
                day[i] = k.day();
                pos[i] = k.pos();
                label[i] = k.label();
                change[i++] = e.getValue();
            }
            Tuple t = Tuple.tuple().addArrayOfString(journey).addArrayOfString(kind).addArrayOfLocalDate(day)
                    .addArrayOfInteger(pos).addArrayOfString(label).addArrayOfLong(change);
            chain = chain.chain(() -> c.preparedQuery("INSERT INTO analytics.path_node AS t "
                    + "(journey_id, label_kind, day, pos, label, profiles) SELECT j, k, d, p, l, n FROM unnest($1::text[], "
                    + "$2::text[], $3::date[], $4::int[], $5::text[], $6::int8[]) AS x(j, k, d, p, l, n) ORDER BY j, k, d, p, l "
                    + "ON CONFLICT (journey_id, label_kind, day, pos, label) DO UPDATE SET profiles = t.profiles + excluded.profiles")
                    .execute(t).replaceWithVoid());
        }
        if (!links.isEmpty()) {
            int n = links.size();
            String[] journey = new String[n];
            String[] kind = new String[n];
            LocalDate[] day = new LocalDate[n];
            Integer[] pos = new Integer[n];
            String[] source = new String[n];
            String[] target = new String[n];
            Long[] change = new Long[n];
            int i = 0;
            for (Map.Entry<PathAggregate.LinkKey, Long> e : links.entrySet()) {
                PathAggregate.LinkKey k = e.getKey();
                journey[i] = k.journeyId();
                kind[i] = k.labelKind();
                day[i] = k.day();
                pos[i] = k.pos();
                source[i] = k.source();
                target[i] = k.target();
                change[i++] = e.getValue();
            }
            Tuple t = Tuple.tuple().addArrayOfString(journey).addArrayOfString(kind).addArrayOfLocalDate(day)
                    .addArrayOfInteger(pos).addArrayOfString(source).addArrayOfString(target).addArrayOfLong(change);
            chain = chain.chain(() -> c.preparedQuery("INSERT INTO analytics.path_link AS t "
                    + "(journey_id, label_kind, day, pos, source, target, profiles) SELECT j, k, d, p, s, g, n FROM "
                    + "unnest($1::text[], $2::text[], $3::date[], $4::int[], $5::text[], $6::text[], $7::int8[]) "
                    + "AS x(j, k, d, p, s, g, n) ORDER BY j, k, d, p, s, g "
                    + "ON CONFLICT (journey_id, label_kind, day, pos, source, target) "
                    + "DO UPDATE SET profiles = t.profiles + excluded.profiles")
                    .execute(t).replaceWithVoid());
        }
        return chain;
    }

    private Uni<Void> writeJourneyProfiles(SqlConnection c, List<String[]> gone, List<String[]> added) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        if (!gone.isEmpty()) {
            chain = chain.chain(() -> c.preparedQuery("DELETE FROM analytics.journey_profile t USING "
                    + "unnest($1::text[], $2::text[]) AS x(j, p) WHERE t.journey_id = x.j AND t.profile_id = x.p")
                    .execute(pairs(gone)).replaceWithVoid());
        }
        if (!added.isEmpty()) {
            chain = chain.chain(() -> c.preparedQuery("INSERT INTO analytics.journey_profile (journey_id, profile_id) "
                    + "SELECT j, p FROM unnest($1::text[], $2::text[]) AS x(j, p) ORDER BY j, p ON CONFLICT DO NOTHING")
                    .execute(pairs(added)).replaceWithVoid());
        }
        return chain;
    }

    private static Tuple pairs(List<String[]> pairs) {
        return Tuple.tuple().addArrayOfString(pairs.stream().map(x -> x[0]).toArray(String[]::new))
                .addArrayOfString(pairs.stream().map(x -> x[1]).toArray(String[]::new));
    }

    private Uni<Void> writeConversions(SqlConnection c, List<ProfileConversion> removed,
            List<ProfileConversion> upserted) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        if (!removed.isEmpty()) {
            chain = chain.chain(() -> c.preparedQuery("DELETE FROM analytics.stage_conversion t USING "
                    + "unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS x(j, s, n, p) "
                    + "WHERE t.journey_id = x.j AND t.stage = x.s AND t.next_stage = x.n AND t.profile_id = x.p")
                    .execute(conversionKeys(removed)).replaceWithVoid());
        }
        if (!upserted.isEmpty()) {
            Tuple t = conversionKeys(upserted)
                    .addArrayOfOffsetDateTime(upserted.stream().map(x -> time(x.conversion().enteredAt()))
                            .toArray(OffsetDateTime[]::new))
                    .addArrayOfOffsetDateTime(upserted.stream().map(x -> time(x.conversion().convertedAt()))
                            .toArray(OffsetDateTime[]::new));
            chain = chain.chain(() -> c.preparedQuery("INSERT INTO analytics.stage_conversion AS t "
                    + "(journey_id, stage, next_stage, profile_id, entered_at, converted_at) SELECT j, s, n, p, e, v FROM "
                    + "unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[]) "
                    + "AS x(j, s, n, p, e, v) ORDER BY j, s, n, p ON CONFLICT (journey_id, stage, next_stage, profile_id) "
                    + "DO UPDATE SET entered_at = excluded.entered_at, converted_at = excluded.converted_at")
                    .execute(t).replaceWithVoid());
        }
        return chain;
    }

    private static Tuple conversionKeys(List<ProfileConversion> list) {
        return Tuple.tuple()
                .addArrayOfString(list.stream().map(x -> x.conversion().journeyId()).toArray(String[]::new))
                .addArrayOfString(list.stream().map(x -> x.conversion().stage()).toArray(String[]::new))
                .addArrayOfString(list.stream().map(x -> x.conversion().nextStage()).toArray(String[]::new))
                .addArrayOfString(list.stream().map(ProfileConversion::profileId).toArray(String[]::new));
    }

    private Uni<Void> writeRanks(SqlConnection c, JourneyAggregate.RankDelta delta) {
        Map<JourneyAggregate.StageKey, long[]> changes = delta.changes();
        if (changes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<JourneyAggregate.StageKey> keys = new ArrayList<>(changes.keySet());
        return c.preparedQuery("INSERT INTO analytics.journey_stage AS t (journey_id, stage, profiles, rank_sum) "
                + "SELECT j, s, n, r FROM unnest($1::text[], $2::text[], $3::int8[], $4::int8[]) AS x(j, s, n, r) "
                + "ORDER BY j, s ON CONFLICT (journey_id, stage) "
                + "DO UPDATE SET profiles = t.profiles + excluded.profiles, rank_sum = t.rank_sum + excluded.rank_sum")
                .execute(Tuple.tuple().addArrayOfString(keys.stream().map(JourneyAggregate.StageKey::journeyId)
                        .toArray(String[]::new))
                        .addArrayOfString(keys.stream().map(JourneyAggregate.StageKey::stage).toArray(String[]::new))
                        .addArrayOfLong(keys.stream().map(k -> changes.get(k)[0]).toArray(Long[]::new))
                        .addArrayOfLong(keys.stream().map(k -> changes.get(k)[1]).toArray(Long[]::new)))
                .replaceWithVoid();
    }

    /**
     * Adds the changes of the funnel's counts per day; the database groups them by day and time bucket (the bucket is
     * its {@code seconds_bucket}, so rows and counts cannot disagree) and writes in key order: the conversions first,
     * then the entries, whose few rows per day every batch of that day shares.
     */
    private Uni<Void> writeDays(SqlConnection c, JourneyAggregate.DayDelta delta) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        List<Signed<Conversion>> conversions = delta.conversions();
        if (!conversions.isEmpty()) {
            Tuple t = Tuple.tuple()
                    .addArrayOfString(conversions.stream().map(x -> x.value().journeyId()).toArray(String[]::new))
                    .addArrayOfString(conversions.stream().map(x -> x.value().stage()).toArray(String[]::new))
                    .addArrayOfString(conversions.stream().map(x -> x.value().nextStage()).toArray(String[]::new))
                    .addArrayOfOffsetDateTime(conversions.stream().map(x -> time(x.value().enteredAt()))
                            .toArray(OffsetDateTime[]::new))
                    .addArrayOfOffsetDateTime(conversions.stream().map(x -> time(x.value().convertedAt()))
                            .toArray(OffsetDateTime[]::new))
                    .addArrayOfInteger(conversions.stream().map(Signed::sign).toArray(Integer[]::new));
            chain = chain.chain(() -> c.preparedQuery("INSERT INTO analytics.conversion_day AS t "
                    + "(journey_id, stage, next_stage, day, seconds, profiles) SELECT j, s, n, (e AT TIME ZONE 'UTC')::date, "
                    + "analytics.seconds_bucket(extract(epoch FROM v - e)), sum(d) "
                    + "FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::int[]) "
                    + "AS x(j, s, n, e, v, d) GROUP BY 1, 2, 3, 4, 5 HAVING sum(d) <> 0 ORDER BY 1, 2, 3, 4, 5 "
                    + "ON CONFLICT (journey_id, stage, next_stage, day, seconds) DO UPDATE SET profiles = t.profiles + excluded.profiles")
                    .execute(t).replaceWithVoid());
        }
        List<Signed<Entry>> entries = delta.entries();
        if (!entries.isEmpty()) {
            Tuple t = Tuple.tuple()
                    .addArrayOfString(entries.stream().map(x -> x.value().journeyId()).toArray(String[]::new))
                    .addArrayOfString(entries.stream().map(x -> x.value().stage()).toArray(String[]::new))
                    .addArrayOfOffsetDateTime(entries.stream().map(x -> time(x.value().firstAt()))
                            .toArray(OffsetDateTime[]::new))
                    .addArrayOfInteger(entries.stream().map(Signed::sign).toArray(Integer[]::new))
                    .addArrayOfInteger(entries.stream().map(x -> x.sign() * x.value().entries()).toArray(Integer[]::new));
            chain = chain.chain(() -> c.preparedQuery("INSERT INTO analytics.stage_day AS t "
                    + "(journey_id, stage, day, profiles, entries) SELECT j, s, (a AT TIME ZONE 'UTC')::date, sum(n), sum(e) "
                    + "FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::int[], $5::int[]) AS x(j, s, a, n, e) "
                    + "GROUP BY 1, 2, 3 HAVING sum(n) <> 0 OR sum(e) <> 0 ORDER BY 1, 2, 3 "
                    + "ON CONFLICT (journey_id, stage, day) "
                    + "DO UPDATE SET profiles = t.profiles + excluded.profiles, entries = t.entries + excluded.entries")
                    .execute(t).replaceWithVoid());
        }
        return chain;
    }

    static OffsetDateTime time(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
