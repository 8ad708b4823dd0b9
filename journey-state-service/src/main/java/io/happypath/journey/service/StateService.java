package io.happypath.journey.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.happypath.contracts.CloudEventTypes;
import io.happypath.contracts.journey.JourneyExited;
import io.happypath.journey.config.JourneyConfig;
import io.happypath.journey.domain.Counters;
import io.happypath.journey.domain.Emitted;
import io.happypath.journey.domain.Emotions;
import io.happypath.journey.domain.IncomingEvent;
import io.happypath.journey.domain.ProfileState;
import io.happypath.journey.domain.StateMachine;
import io.happypath.journey.messaging.JourneyPublisher;
import io.happypath.journey.messaging.JourneyPublisher.Outgoing;
import io.happypath.journey.state.StateStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;

/**
 * Changes live states: applies events, stalls, merges and erasures. Each change is read → compute → one atomic
 * compare-and-set script (state, processed cause id with its outputs, counters, timers) → publish → return; the
 * caller acknowledges its input only after. A cause processed before is not applied again; what it published is
 * published again (same CloudEvent ids), which covers a crash between the write and the publication.
 */
@ApplicationScoped
public class StateService {

    private static final int MAX_ATTEMPTS = 16;
    private static final TypeReference<List<Outgoing>> OUTGOING_LIST = new TypeReference<>() {
    };

    private final StateStore store;
    private final DefinitionRegistry registry;
    private final JourneyPublisher publisher;
    private final ObjectMapper mapper;
    private final StateMachine machine;
    private final Emotions emotions;
    private final MeterRegistry metrics;
    private final Timer applyLatency;
    private final Clock clock = Clock.systemUTC();
    private final int processedPerProfile;

    public StateService(StateStore store, DefinitionRegistry registry, JourneyPublisher publisher, ObjectMapper mapper,
            JourneyConfig config, MeterRegistry metrics) {
        this.store = store;
        this.registry = registry;
        this.publisher = publisher;
        this.mapper = mapper;
        this.emotions = new Emotions(config.emotionHalfLife());
        this.machine = new StateMachine(config.historyLimit(), config.touchpointsPerChannel(), config.maxChannels(),
                emotions);
        this.metrics = metrics;
        this.processedPerProfile = Math.max(1, config.processedPerProfile());
        this.applyLatency = Timer.builder("happypath.journey.apply.latency")
                .description("From an event's arrival to its state change stored and published")
                .publishPercentiles(0.5, 0.99).register(metrics);
    }

    /** What a change produced: the new states (null deletes), aligned with the ids read, and what to publish. */
    record Change(List<ProfileState> after, List<Emitted> out) {
    }

    public Uni<Void> applyEvent(IncomingEvent e) {
        long started = System.nanoTime();
        return change(List.of(e.profileId()), e.id(), states -> {
            ProfileState s = states.get(0) == null ? new ProfileState(e.profileId()) : states.get(0);
            List<Emitted> out = machine.apply(s, e, registry.journeys(), registry.segments(), clock.instant());
            return new Change(List.of(s), out);
        }).invoke(() -> {
            applyLatency.record(Duration.ofNanos(System.nanoTime() - started));
            metrics.counter("happypath.journey.events.applied").increment();
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
        return change(List.of(profileId), cause, states -> {
            ProfileState s = states.get(0);
            if (s == null) {
                return null;
            }
            List<Emitted> out = machine.stall(s, journeyId, stage, enteredAt, registry.segments(), clock.instant());
            if (out.isEmpty()) {
                return null;
            }
            metrics.counter("happypath.journey.stalls", "journey", journeyId).increment();
            return new Change(List.of(s), out);
        });
    }

    /** Folds the merged profiles into the survivor and deletes them. */
    public Uni<Void> merge(String survivorId, List<String> mergedIds, String causeId) {
        List<String> ids = new ArrayList<>();
        ids.add(survivorId);
        mergedIds.stream().filter(id -> !id.equals(survivorId)).distinct().forEach(ids::add);
        return change(ids, causeId, states -> {
            List<ProfileState> others = states.subList(1, states.size()).stream().filter(s -> s != null).toList();
            if (others.isEmpty()) {
                return null;
            }
            ProfileState survivor = states.get(0) == null ? new ProfileState(survivorId) : states.get(0);
            Instant now = clock.instant();
            List<Emitted> out = machine.merge(survivor, others, registry.journeysById(), registry.segments(), causeId, now);
            List<ProfileState> after = new ArrayList<>();
            after.add(survivor);
            for (int i = 1; i < states.size(); i++) {
                after.add(null);
            }
            return new Change(after, out);
        });
    }

    /** Deletes a profile's state, its counters' contributions and its pending timers. */
    public Uni<Void> erase(String profileId, String causeId) {
        return change(List.of(profileId), causeId, states -> {
            ProfileState s = states.get(0);
            if (s == null) {
                return null;
            }
            Instant now = clock.instant();
            List<Emitted> out = new ArrayList<>();
            s.journeys.forEach((journeyId, js) -> {
                if (ProfileState.ACTIVE.equals(js.status) || ProfileState.STALLED.equals(js.status)) {
                    out.add(new Emitted(java.util.UUID.nameUUIDFromBytes((causeId + "|erased|" + journeyId)
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString(), CloudEventTypes.JOURNEY_EXITED,
                            profileId, new JourneyExited(profileId, journeyId, js.stage, "profile-erased", null, null, now)));
                }
            });
            List<ProfileState> after = new ArrayList<>();
            after.add(null);
            return new Change(after, out);
        });
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

    private Uni<Void> change(List<String> profileIds, String causeId, Function<List<ProfileState>, Change> fn) {
        return attempt(profileIds, causeId, fn, 1);
    }

    private Uni<Void> attempt(List<String> profileIds, String causeId, Function<List<ProfileState>, Change> fn,
            int attempt) {
        return store.load(profileIds, causeId).flatMap(loaded -> {
            if (loaded.done() != null) {
                metrics.counter("happypath.journey.events.duplicates").increment();
                return publisher.publish(readOutgoing(loaded.done()));
            }
            String firstJson = loaded.states().get(0).json();
            if (firstJson != null) {
                String seen = processedOutputs(read(firstJson), causeId);
                if (seen != null) {
                    metrics.counter("happypath.journey.events.duplicates").increment();
                    return publisher.publish(readOutgoing(seen));
                }
            }
            List<ProfileState> before = new ArrayList<>();
            Map<Counters.Key, Long> contributionsBefore = new HashMap<>();
            Set<Counters.Timer> timersBefore = new HashSet<>();
            for (StateStore.Stored s : loaded.states()) {
                ProfileState state = s.json() == null ? null : read(s.json());
                before.add(state);
                Counters.contributions(state).forEach((k, v) -> contributionsBefore.merge(k, v, Long::sum));
                timersBefore.addAll(Counters.timers(state));
            }
            Change c = fn.apply(before);
            if (c == null) {
                return Uni.createFrom().voidItem();
            }
            Map<Counters.Key, Long> contributionsAfter = new HashMap<>();
            Set<Counters.Timer> timersAfter = new HashSet<>();
            List<Outgoing> outgoing = c.out().stream()
                    .map(e -> new Outgoing(e.id(), e.type(), e.profileId(), write(e.data()))).toList();
            String outgoingJson = write(outgoing);
            ProfileState first = c.after().get(0);
            String doneValue = null;
            if (first != null) {
                List<ProfileState.Processed> processed = new ArrayList<>(first.internalProcessed);
                processed.add(new ProfileState.Processed(causeId, outgoingJson));
                while (processed.size() > processedPerProfile) {
                    processed.remove(0);
                }
                first.internalProcessed = processed;
            } else {
                doneValue = outgoingJson; // nothing left to remember it in: a key with a TTL does
            }
            List<StateStore.Write> writes = new ArrayList<>();
            for (int i = 0; i < loaded.states().size(); i++) {
                ProfileState after = c.after().get(i);
                Counters.contributions(after).forEach((k, v) -> contributionsAfter.merge(k, v, Long::sum));
                timersAfter.addAll(Counters.timers(after));
                StateStore.Stored read = loaded.states().get(i);
                writes.add(new StateStore.Write(read.profileId(), read.version(), after == null ? null : write(after)));
            }
            Set<Counters.Timer> add = new HashSet<>(timersAfter);
            add.removeAll(timersBefore);
            Set<Counters.Timer> remove = new HashSet<>(timersBefore);
            remove.removeAll(timersAfter);
            return store.commit(writes, causeId, doneValue, Counters.delta(contributionsBefore, contributionsAfter),
                    add, remove).flatMap(ok -> {
                        if (!ok) {
                            metrics.counter("happypath.journey.state.conflicts").increment();
                            if (attempt >= MAX_ATTEMPTS) {
                                return Uni.createFrom().failure(new IllegalStateException(
                                        "State of " + profileIds + " kept changing; gave up after " + attempt + " attempts"));
                            }
                            return attempt(profileIds, causeId, fn, attempt + 1);
                        }
                        count(c.out());
                        return publisher.publish(outgoing);
                    });
        }).onFailure().invoke(t -> metrics.counter("happypath.journey.redis.errors").increment());
    }

    private static String processedOutputs(ProfileState state, String causeId) {
        for (ProfileState.Processed p : state.internalProcessed) {
            if (p.id().equals(causeId)) {
                return p.out();
            }
        }
        return null;
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
            return mapper.readValue(json, ProfileState.class);
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
}
