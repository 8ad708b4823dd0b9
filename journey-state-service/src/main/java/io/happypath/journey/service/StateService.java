package io.happypath.journey.service;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.happypath.contracts.CloudEventTypes;
import io.happypath.contracts.journey.JourneyExited;
import io.happypath.journey.config.EmotionRules;
import io.happypath.journey.config.JourneyConfig;
import io.happypath.journey.domain.CompiledJourney;
import io.happypath.journey.domain.CompiledSegment;
import io.happypath.journey.domain.Counters;
import io.happypath.journey.domain.Emitted;
import io.happypath.journey.domain.Emotions;
import io.happypath.journey.domain.IncomingEvent;
import io.happypath.journey.domain.ProfileState;
import io.happypath.journey.domain.Redeliveries;
import io.happypath.journey.domain.StateMachine;
import io.happypath.journey.messaging.JourneyPublisher;
import io.happypath.journey.messaging.JourneyPublisher.Outgoing;
import io.happypath.journey.state.StateJson;
import io.happypath.journey.state.StateStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;

/**
 * Changes live states: applies events, stalls, merges, erasures and segment back-fills. A change is read → compute →
 * one atomic compare-and-set script per profile (state, processed cause, outbox of what it produced, counters, timers)
 * → publish → confirm (the outbox entry is removed). Events come in batches (a Kafka poll): every profile of a batch
 * is read in one pipelined round trip and written in another, a profile's events of the batch in one write.
 *
 * <p>
 * A cause applied before ({@link Redeliveries}) is not applied again; what it produced is published again if its
 * publication was never confirmed (a crash between the write and the publication), with the same CloudEvent ids.
 */
@ApplicationScoped
public class StateService {

    private static final Logger LOG = Logger.getLogger(StateService.class);
    private static final int MAX_ATTEMPTS = 16;
    private static final TypeReference<List<Outgoing>> OUTGOING_LIST = new TypeReference<>() {
    };

    private final StateStore store;
    private final DefinitionRegistry registry;
    private final JourneyPublisher publisher;
    private final ObjectMapper mapper;
    /** Reads and writes stored states ({@link StateJson}); {@link #mapper} writes what is published. */
    private final ObjectMapper stateMapper;
    private final StateMachine machine;
    private final Emotions emotions;
    private final MeterRegistry metrics;
    private final Timer applyLatency;
    private final Timer applyDelay;
    private final Counter applied;
    private final Counter duplicates;
    private final Counter conflicts;
    private final Counter redirected;
    private final Counter redisErrors;
    private final Counter unreadable;
    private final Clock clock = Clock.systemUTC();
    private final int processedPerProfile;

    public StateService(StateStore store, DefinitionRegistry registry, JourneyPublisher publisher, ObjectMapper mapper,
            JourneyConfig config, MeterRegistry metrics) {
        this.store = store;
        this.registry = registry;
        this.publisher = publisher;
        this.mapper = mapper;
        this.stateMapper = StateJson.mapper(mapper);
        this.emotions = new Emotions(EmotionRules.settings(config.emotion()));
        this.machine = new StateMachine(config.historyLimit(), config.touchpointsPerChannel(), config.maxChannels(),
                emotions);
        this.metrics = metrics;
        this.processedPerProfile = Math.max(1, config.processedPerProfile());
        java.time.Duration[] buckets = config.latencyBuckets().toArray(java.time.Duration[]::new);
        this.applyLatency = Timer.builder("happypath.journey.apply.latency")
                .description("From a batch of events reaching the service to each event's state change stored in Redis")
                .publishPercentiles(0.5, 0.99).serviceLevelObjectives(buckets).register(metrics);
        this.applyDelay = Timer.builder("happypath.journey.apply.delay")
                .description("From an event's Kafka record timestamp (when it was produced) to its state change stored")
                .publishPercentiles(0.5, 0.99).serviceLevelObjectives(buckets).register(metrics);
        this.applied = metrics.counter("happypath.journey.events.applied");
        this.duplicates = metrics.counter("happypath.journey.events.duplicates");
        this.conflicts = metrics.counter("happypath.journey.state.conflicts");
        this.redirected = metrics.counter("happypath.journey.events.redirected");
        this.redisErrors = metrics.counter("happypath.journey.redis.errors");
        this.unreadable = metrics.counter("happypath.journey.state.unreadable");
    }

    /** An event to apply and where it was read (null when it did not come from Kafka). */
    public record EventInput(IncomingEvent event, Redeliveries.Position position) {
    }

    /** An event the state machine failed on; it goes to the dead-letter topic, the others of its batch go on. */
    public record Rejected(EventInput input, RuntimeException failure) {
    }

    /**
     * A batch whose state changes are stored: what to publish (in order), the outbox entries to remove once it is
     * published, and the events rejected.
     */
    public static final class Applied {

        private final List<Outgoing> outgoing = new ArrayList<>();
        private final Map<String, List<String>> published = new LinkedHashMap<>();
        private final List<Rejected> rejected = new ArrayList<>();

        public List<Rejected> rejected() {
            return rejected;
        }

        public List<Outgoing> outgoing() {
            return outgoing;
        }
    }

    /**
     * What a change produced: the new states (null deletes), aligned with the ids read, what to publish, and the
     * deleted profiles that redirect to a survivor (merged id → survivor id).
     */
    record Change(List<ProfileState> after, List<Emitted> out, Map<String, String> redirects) {

        Change(List<ProfileState> after, List<Emitted> out) {
            this(after, out, Map.of());
        }
    }

    /** The first profile of a change was merged away: the change belongs to its survivor. */
    private static final class MergedAway extends RuntimeException {

        final String survivorId;

        MergedAway(String survivorId) {
            super(null, null, false, false);
            this.survivorId = survivorId;
        }
    }

    /** One profile's share of a batch: its commit (null when nothing changed) and what it publishes. */
    private static final class GroupChange {

        final String profileId;
        StateStore.Commit commit;
        final List<Outgoing> outgoing = new ArrayList<>();
        final List<String> published = new ArrayList<>();
        final List<EventInput> appliedInputs = new ArrayList<>();
        final List<Emitted> emitted = new ArrayList<>();
        final List<Rejected> rejected = new ArrayList<>();
        int duplicates;

        GroupChange(String profileId) {
            this.profileId = profileId;
        }
    }

    /** Thrown while computing a profile's events: the event is rejected and the profile's batch recomputed. */
    private static final class PoisonEvent extends RuntimeException {

        final EventInput input;

        PoisonEvent(EventInput input, RuntimeException cause) {
            super(cause);
            this.input = input;
        }
    }

    /**
     * Applies a batch of events (in the order read) and stores the new states; the returned {@link Applied} says what
     * to {@link #publish(Applied)}. {@code receivedNanos} is when the batch reached the service (for the latency).
     */
    public Uni<Applied> applyEvents(List<EventInput> inputs, long receivedNanos) {
        Map<String, List<EventInput>> groups = new LinkedHashMap<>();
        for (EventInput in : inputs) {
            groups.computeIfAbsent(in.event().profileId(), k -> new ArrayList<>()).add(in);
        }
        Applied result = new Applied();
        return applyGroups(groups, result, receivedNanos, 1).replaceWith(result)
                .onFailure().invoke(t -> redisErrors.increment());
    }

    private Uni<Void> applyGroups(Map<String, List<EventInput>> groups, Applied result, long receivedNanos,
            int attempt) {
        List<StateStore.Read> reads = new ArrayList<>(groups.size());
        groups.forEach((profileId, events) -> {
            List<String> causes = new ArrayList<>(events.size());
            events.forEach(e -> causes.add(e.event().id()));
            reads.add(new StateStore.Read(profileId, causes));
        });
        return store.read(reads).flatMap(stored -> {
            Instant now = now();
            List<CompiledJourney> journeys = registry.journeys();
            List<CompiledSegment> segments = registry.segments();
            List<GroupChange> changes = new ArrayList<>(stored.size());
            List<StateStore.Commit> commits = new ArrayList<>();
            Map<String, List<EventInput>> next = new LinkedHashMap<>();
            for (StateStore.Stored s : stored) {
                if (s.mergedInto() != null) {
                    // Tagged with a profile merged away since: the survivor's state takes the events. Their Kafka
                    // positions belong to the merged profile's key, not the survivor's, so only their ids tell
                    // whether the survivor absorbed them already.
                    List<EventInput> events = groups.get(s.profileId());
                    redirected.increment(events.size());
                    events.forEach(e -> next.computeIfAbsent(s.mergedInto(), k -> new ArrayList<>())
                            .add(new EventInput(e.event(), null)));
                    continue;
                }
                GroupChange g = applyGroup(s, groups.get(s.profileId()), journeys, segments, now);
                changes.add(g);
                if (g.commit != null) {
                    commits.add(g.commit);
                }
            }
            return store.commit(commits).flatMap(oks -> {
                int conflicting = 0;
                int commit = 0;
                for (GroupChange g : changes) {
                    if (g.commit == null || oks.get(commit++)) {
                        stored(g, result, receivedNanos);
                    } else {
                        conflicting++;
                        next.computeIfAbsent(g.profileId, k -> new ArrayList<>()).addAll(groups.get(g.profileId));
                    }
                }
                if (next.isEmpty()) {
                    return Uni.createFrom().voidItem();
                }
                conflicts.increment(conflicting);
                if (attempt >= MAX_ATTEMPTS) {
                    return Uni.createFrom().failure(new IllegalStateException("States of " + next.keySet()
                            + " kept changing or redirecting; gave up after " + attempt + " attempts"));
                }
                return applyGroups(next, result, receivedNanos, attempt + 1);
            });
        });
    }

    /** Computes one profile's events; an event the state machine fails on is rejected and the rest recomputed. */
    private GroupChange applyGroup(StateStore.Stored stored, List<EventInput> events, List<CompiledJourney> journeys,
            List<CompiledSegment> segments, Instant now) {
        List<EventInput> remaining = events;
        List<Rejected> rejected = new ArrayList<>();
        while (true) {
            if (remaining.isEmpty()) {
                GroupChange none = new GroupChange(stored.profileId());
                none.rejected.addAll(rejected);
                return none;
            }
            try {
                GroupChange g = computeGroup(stored, remaining, journeys, segments, now);
                g.rejected.addAll(rejected);
                return g;
            } catch (PoisonEvent p) {
                LOG.warnf(p.getCause(), "Event %s of profile %s cannot be applied", p.input.event().id(), stored.profileId());
                rejected.add(new Rejected(p.input, (RuntimeException) p.getCause()));
                List<EventInput> rest = new ArrayList<>(remaining);
                rest.remove(p.input);
                remaining = rest;
            }
        }
    }

    private GroupChange computeGroup(StateStore.Stored stored, List<EventInput> events, List<CompiledJourney> journeys,
            List<CompiledSegment> segments, Instant now) {
        GroupChange g = new GroupChange(stored.profileId());
        ProfileState state;
        try {
            state = stored.json() == null ? new ProfileState(stored.profileId()) : read(stored.json());
        } catch (IllegalStateException e) {
            // Nothing can be applied to a state that cannot be read: its events go to the dead-letter topic.
            unreadable.increment();
            throw new PoisonEvent(events.get(0), e);
        }
        Map<Counters.Key, Long> contributionsBefore = stored.json() == null ? Map.of() : Counters.contributions(state);
        Set<Counters.Timer> timersBefore = stored.json() == null ? Set.of() : Counters.timers(state);
        Map<String, String> outputs = new LinkedHashMap<>();
        Set<String> republished = new HashSet<>();
        for (EventInput in : events) {
            String cause = in.event().id();
            if (Redeliveries.seen(state, cause, in.position())) {
                g.duplicates++;
                String pending = stored.pendingOutputs().get(cause);
                if (pending != null && republished.add(cause)) {
                    g.outgoing.addAll(readOutgoing(pending));
                    g.published.add(cause);
                }
                continue;
            }
            List<Emitted> out;
            try {
                out = machine.apply(state, in.event(), journeys, segments, now);
            } catch (RuntimeException e) {
                throw new PoisonEvent(in, e);
            }
            Redeliveries.record(state, cause, in.position(), processedPerProfile);
            g.appliedInputs.add(in);
            if (!out.isEmpty()) {
                List<Outgoing> outgoing = outgoing(out);
                outputs.put(cause, write(outgoing));
                g.outgoing.addAll(outgoing);
                g.published.add(cause);
                g.emitted.addAll(out);
            }
        }
        if (!g.appliedInputs.isEmpty()) {
            Set<Counters.Timer> timersAfter = Counters.timers(state);
            g.commit = new StateStore.Commit(
                    List.of(new StateStore.Write(stored.profileId(), stored.version(), write(state))), outputs, null, null,
                    Counters.delta(contributionsBefore, Counters.contributions(state)), minus(timersAfter, timersBefore),
                    minus(timersBefore, timersAfter));
        }
        return g;
    }

    /** Books a profile's share of a batch as stored. */
    private void stored(GroupChange g, Applied result, long receivedNanos) {
        long nanosNow = System.nanoTime();
        long millisNow = clock.millis();
        for (EventInput in : g.appliedInputs) {
            applyLatency.record(nanosNow - receivedNanos, TimeUnit.NANOSECONDS);
            if (in.position() != null && in.position().timestamp() > 0) {
                applyDelay.record(Math.max(0, millisNow - in.position().timestamp()), TimeUnit.MILLISECONDS);
            }
        }
        applied.increment(g.appliedInputs.size());
        if (g.duplicates > 0) {
            duplicates.increment(g.duplicates);
        }
        count(g.emitted);
        result.outgoing.addAll(g.outgoing);
        if (!g.published.isEmpty()) {
            result.published.put(g.profileId, g.published);
        }
        result.rejected.addAll(g.rejected);
    }

    /**
     * Publishes what a stored batch produced; completes when the broker acknowledged all of it, then removes the
     * outbox entries (a failure there only means they are published again should their causes be redelivered).
     */
    public Uni<Void> publish(Applied applied) {
        return publisher.publish(applied.outgoing).chain(() -> confirm(applied.published));
    }

    private Uni<Void> confirm(Map<String, List<String>> published) {
        if (published.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return store.confirmPublished(published).onFailure().recoverWithItem(t -> {
            LOG.debugf("Could not remove published outbox entries: %s", t.getMessage());
            return null;
        });
    }

    /** Applies one event and publishes what it produced (tests, tools). */
    public Uni<Void> applyEvent(IncomingEvent e) {
        return applyEvents(List.of(new EventInput(e, null)), System.nanoTime()).flatMap(a -> {
            if (!a.rejected.isEmpty()) {
                return Uni.createFrom().failure(a.rejected.get(0).failure());
            }
            return publish(a);
        });
    }

    /** Fires a claimed stall timer ({@code profileId|journeyId|stage|enteredAtMillis}). */
    public Uni<Void> fireTimer(String member) {
        String[] parts = member.split("\\|");
        if (parts.length < 4) {
            return Uni.createFrom().voidItem();
        }
        int n = parts.length;
        String profileId = String.join("|", java.util.Arrays.copyOfRange(parts, 0, n - 3));
        String journeyId = parts[n - 3];
        String stage = parts[n - 2];
        Instant enteredAt = Instant.ofEpochMilli(Long.parseLong(parts[n - 1]));
        String cause = "stall:" + journeyId + ":" + stage + ":" + parts[n - 1];
        return change(List.of(profileId), cause, (states, mergedInto) -> {
            ProfileState s = states.get(0);
            if (s == null) {
                return null;
            }
            List<Emitted> out = machine.stall(s, journeyId, stage, enteredAt, registry.segments(), now());
            if (out.isEmpty()) {
                return null;
            }
            metrics.counter("happypath.journey.stalls", "journey", journeyId).increment();
            return new Change(List.of(s), out);
        });
    }

    /**
     * Folds the merged profiles into the survivor and replaces them by redirects to it, so that their events still in
     * flight (tagged before the merge, read after it) reach the survivor. A survivor merged away itself meanwhile
     * hands the merge on to its own survivor.
     */
    public Uni<Void> merge(String survivorId, List<String> mergedIds, String causeId) {
        return merge(survivorId, mergedIds, causeId, 1);
    }

    private Uni<Void> merge(String survivorId, List<String> mergedIds, String causeId, int hop) {
        List<String> ids = new ArrayList<>();
        ids.add(survivorId);
        mergedIds.stream().filter(id -> !id.equals(survivorId)).distinct().forEach(ids::add);
        return change(ids, causeId, (states, mergedInto) -> {
            if (mergedInto.get(0) != null) {
                throw new MergedAway(mergedInto.get(0));
            }
            List<ProfileState> others = states.subList(1, states.size()).stream().filter(s -> s != null).toList();
            ProfileState survivor = states.get(0);
            List<Emitted> out = List.of();
            if (!others.isEmpty()) {
                survivor = survivor == null ? new ProfileState(survivorId) : survivor;
                out = machine.merge(survivor, others, registry.journeysById(), registry.segments(), causeId, now());
                for (ProfileState other : others) {
                    Redeliveries.absorb(survivor, other, processedPerProfile);
                }
            }
            List<ProfileState> after = new ArrayList<>();
            after.add(survivor);
            Map<String, String> redirects = new LinkedHashMap<>();
            for (String id : ids.subList(1, ids.size())) {
                after.add(null);
                redirects.put(id, survivorId);
            }
            return new Change(after, out, redirects);
        }).onFailure(MergedAway.class).recoverWithUni(t -> {
            String next = ((MergedAway) t).survivorId;
            if (hop >= MAX_ATTEMPTS) {
                return Uni.createFrom().failure(new IllegalStateException(
                        "Survivor " + survivorId + " redirects " + hop + " times; a redirect cycle?"));
            }
            List<String> rest = new ArrayList<>(ids);
            rest.remove(next);
            return merge(next, rest, causeId, hop + 1);
        });
    }

    /**
     * An undone merge: the restored profiles stop redirecting to the profile the merge went into and start afresh.
     * What they contributed to its state stays there (a state cannot be split back); their new events build their own.
     */
    public Uni<Void> undoMerge(String survivorId, List<String> restoredIds, String causeId) {
        List<String> ids = restoredIds.stream().filter(id -> !id.equals(survivorId)).distinct().toList();
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return change(ids, causeId, (states, mergedInto) -> {
            List<ProfileState> after = new ArrayList<>(states);
            Map<String, String> redirects = new LinkedHashMap<>();
            boolean changed = false;
            for (int i = 0; i < ids.size(); i++) {
                String target = mergedInto.get(i);
                if (target != null && !target.equals(survivorId)) {
                    redirects.put(ids.get(i), target); // merged again elsewhere since: that redirect stays
                } else if (target != null) {
                    changed = true;
                }
            }
            return changed ? new Change(after, List.of(), redirects) : null;
        });
    }

    /** Deletes a profile's state, its counters' contributions and its pending timers. */
    public Uni<Void> erase(String profileId, String causeId) {
        return change(List.of(profileId), causeId, (states, mergedInto) -> {
            ProfileState s = states.get(0);
            if (s == null) {
                return null;
            }
            Instant now = clock.instant();
            List<Emitted> out = new ArrayList<>();
            s.journeys.forEach((journeyId, js) -> {
                if (ProfileState.ACTIVE.equals(js.status) || ProfileState.STALLED.equals(js.status)) {
                    out.add(new Emitted(UUID.nameUUIDFromBytes((causeId + "|erased|" + journeyId)
                            .getBytes(StandardCharsets.UTF_8)).toString(), CloudEventTypes.JOURNEY_EXITED,
                            profileId, new JourneyExited(profileId, journeyId, js.stage, "profile-erased", null, null, now)));
                }
            });
            List<ProfileState> after = new ArrayList<>();
            after.add(null);
            return new Change(after, out);
        });
    }

    /**
     * Re-evaluates the current segments for these profiles (a back-fill step, {@code run} naming the segment set) and
     * stores and publishes each change of membership; returns how many profiles changed. Idempotent: a profile whose
     * membership is already right is not written, and what a step stored but did not publish (a crash) is published
     * when the step runs again.
     */
    public Uni<Integer> reevaluateSegments(List<String> profileIds, String run) {
        String cause = "segments:" + run;
        Applied result = new Applied();
        int[] changed = {0};
        return reevaluate(profileIds, cause, result, changed, 1).chain(() -> publish(result)).map(v -> changed[0]);
    }

    private Uni<Void> reevaluate(List<String> profileIds, String cause, Applied result, int[] changed, int attempt) {
        if (profileIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<StateStore.Read> reads = profileIds.stream().map(id -> new StateStore.Read(id, List.of(cause))).toList();
        return store.read(reads).flatMap(stored -> {
            Instant now = now();
            List<CompiledSegment> segments = registry.segments();
            List<GroupChange> changes = new ArrayList<>();
            List<StateStore.Commit> commits = new ArrayList<>();
            for (StateStore.Stored s : stored) {
                if (s.json() == null) {
                    continue; // erased or merged away since the scan saw it
                }
                GroupChange g = new GroupChange(s.profileId());
                String pending = s.pendingOutputs().get(cause);
                if (pending != null) {
                    g.outgoing.addAll(readOutgoing(pending));
                    g.published.add(cause);
                }
                ProfileState state;
                try {
                    state = read(s.json());
                } catch (IllegalStateException e) {
                    LOG.warnf("Segment back-fill skips profile %s: %s", s.profileId(), e.getMessage());
                    unreadable.increment();
                    changes.add(g);
                    continue;
                }
                Map<Counters.Key, Long> before = Counters.contributions(state);
                List<Emitted> out = new ArrayList<>();
                machine.evaluateSegments(state, segments, cause, now, out);
                if (!out.isEmpty()) {
                    state.updatedAt = now;
                    List<Outgoing> outgoing = outgoing(out);
                    g.outgoing.addAll(outgoing);
                    if (!g.published.contains(cause)) {
                        g.published.add(cause);
                    }
                    g.emitted.addAll(out);
                    g.commit = new StateStore.Commit(
                            List.of(new StateStore.Write(s.profileId(), s.version(), write(state))),
                            Map.of(cause, write(outgoing)), null, null,
                            Counters.delta(before, Counters.contributions(state)), Set.of(), Set.of());
                    commits.add(g.commit);
                }
                changes.add(g);
            }
            return store.commit(commits).flatMap(oks -> {
                List<String> retry = new ArrayList<>();
                int next = 0;
                for (GroupChange g : changes) {
                    if (g.commit == null || oks.get(next++)) {
                        if (g.commit != null) {
                            changed[0]++;
                        }
                        stored(g, result, 0);
                    } else {
                        retry.add(g.profileId);
                    }
                }
                if (retry.isEmpty()) {
                    return Uni.createFrom().voidItem();
                }
                conflicts.increment(retry.size());
                if (attempt >= MAX_ATTEMPTS) {
                    return Uni.createFrom().failure(new IllegalStateException("States of " + retry
                            + " kept changing; gave up after " + attempt + " attempts"));
                }
                return reevaluate(retry, cause, result, changed, attempt + 1);
            });
        }).onFailure().invoke(t -> redisErrors.increment());
    }

    /** The stored state of a profile with its emotion decayed to now, or null. */
    public Uni<ProfileState> state(String profileId) {
        return store.state(profileId).map(json -> {
            if (json == null) {
                return null;
            }
            ProfileState s = read(json);
            emotions.decay(s, clock.instant());
            return s;
        });
    }

    /**
     * Reads the states of {@code profileIds} and where each one redirects to (null unless merged away), lets
     * {@code fn} compute the change (null: none) and stores it atomically, retrying when another writer came first.
     */
    private Uni<Void> change(List<String> profileIds, String causeId,
            BiFunction<List<ProfileState>, List<String>, Change> fn) {
        return attempt(profileIds, causeId, fn, 1);
    }

    private Uni<Void> attempt(List<String> profileIds, String causeId,
            BiFunction<List<ProfileState>, List<String>, Change> fn, int attempt) {
        return store.load(profileIds, causeId).flatMap(loaded -> {
            if (loaded.done() != null) {
                duplicates.increment();
                return publisher.publish(readOutgoing(loaded.done()));
            }
            StateStore.Stored firstRead = loaded.states().get(0);
            if (firstRead.json() != null && Redeliveries.seen(read(firstRead.json()), causeId, null)) {
                duplicates.increment();
                String pending = firstRead.pendingOutputs().get(causeId);
                if (pending == null) {
                    return Uni.createFrom().voidItem();
                }
                return publisher.publish(readOutgoing(pending)).chain(() -> confirm(Map.of(firstRead.profileId(),
                        List.of(causeId))));
            }
            List<ProfileState> before = new ArrayList<>();
            List<String> mergedInto = new ArrayList<>();
            Map<Counters.Key, Long> contributionsBefore = new HashMap<>();
            Set<Counters.Timer> timersBefore = new HashSet<>();
            for (StateStore.Stored s : loaded.states()) {
                ProfileState state = s.json() == null ? null : read(s.json());
                before.add(state);
                mergedInto.add(s.mergedInto());
                Counters.contributions(state).forEach((k, v) -> contributionsBefore.merge(k, v, Long::sum));
                timersBefore.addAll(Counters.timers(state));
            }
            Change c = fn.apply(before, mergedInto);
            if (c == null) {
                return Uni.createFrom().voidItem();
            }
            List<Outgoing> outgoing = outgoing(c.out());
            String outgoingJson = write(outgoing);
            ProfileState first = c.after().get(0);
            Map<String, String> outputs = Map.of();
            String doneValue = null;
            if (first != null) {
                Redeliveries.record(first, causeId, null, processedPerProfile);
                if (!outgoing.isEmpty()) {
                    outputs = Map.of(causeId, outgoingJson);
                }
            } else {
                doneValue = outgoingJson; // nothing left to remember it in: a key with a TTL does
            }
            Map<Counters.Key, Long> contributionsAfter = new HashMap<>();
            Set<Counters.Timer> timersAfter = new HashSet<>();
            List<StateStore.Write> writes = new ArrayList<>();
            for (int i = 0; i < loaded.states().size(); i++) {
                ProfileState after = c.after().get(i);
                Counters.contributions(after).forEach((k, v) -> contributionsAfter.merge(k, v, Long::sum));
                timersAfter.addAll(Counters.timers(after));
                StateStore.Stored read = loaded.states().get(i);
                writes.add(new StateStore.Write(read.profileId(), read.version(), after == null ? null : write(after),
                        c.redirects().get(read.profileId())));
            }
            boolean confirmAfter = !outputs.isEmpty();
            return store.commit(new StateStore.Commit(writes, outputs, causeId, doneValue,
                    Counters.delta(contributionsBefore, contributionsAfter), minus(timersAfter, timersBefore),
                    minus(timersBefore, timersAfter))).flatMap(ok -> {
                        if (!ok) {
                            conflicts.increment();
                            if (attempt >= MAX_ATTEMPTS) {
                                return Uni.createFrom().failure(new IllegalStateException(
                                        "State of " + profileIds + " kept changing; gave up after " + attempt + " attempts"));
                            }
                            return attempt(profileIds, causeId, fn, attempt + 1);
                        }
                        count(c.out());
                        Uni<Void> published = publisher.publish(outgoing);
                        return confirmAfter
                                ? published.chain(() -> confirm(Map.of(profileIds.get(0), List.of(causeId))))
                                : published;
                    });
        }).onFailure(t -> !(t instanceof MergedAway)).invoke(t -> redisErrors.increment());
    }

    /** Now, to the millisecond: what states record ({@code updatedAt}, ...) stays compact in storage. */
    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    private static <T> Set<T> minus(Set<T> a, Set<T> b) {
        if (a.isEmpty()) {
            return Set.of();
        }
        Set<T> out = new HashSet<>(a);
        out.removeAll(b);
        return out;
    }

    private List<Outgoing> outgoing(List<Emitted> out) {
        List<Outgoing> list = new ArrayList<>(out.size());
        for (Emitted e : out) {
            list.add(new Outgoing(e.id(), e.type(), e.profileId(), write(e.data())));
        }
        return list;
    }

    private void count(List<Emitted> out) {
        for (Emitted e : out) {
            if (e.data() instanceof io.happypath.contracts.journey.StageEntered se) {
                metrics.counter("happypath.journey.transitions", "journey", se.journeyId(), "stage", se.stage())
                        .increment();
            } else if (e.data() instanceof io.happypath.contracts.journey.SignalChanged sc) {
                metrics.counter("happypath.journey.signal.changes", "signal", sc.signal(), "status",
                        sc.open() ? "open" : "closed").increment();
            }
        }
    }

    private ProfileState read(String json) {
        try {
            return stateMapper.readValue(json, ProfileState.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored state is not readable", e);
        }
    }

    private List<Outgoing> readOutgoing(String json) {
        try {
            return mapper.readValue(json, OUTGOING_LIST);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored outputs are not readable", e);
        }
    }

    private String write(Object o) {
        try {
            return mapper.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String write(ProfileState state) {
        try {
            return stateMapper.writeValueAsString(state);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
