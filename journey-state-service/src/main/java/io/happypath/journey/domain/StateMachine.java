package io.happypath.journey.domain;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import io.happypath.contracts.CloudEventTypes;
import io.happypath.contracts.journey.JourneyCompleted;
import io.happypath.contracts.journey.JourneyExited;
import io.happypath.contracts.journey.JourneyStalled;
import io.happypath.contracts.journey.SegmentChanged;
import io.happypath.contracts.journey.SignalChanged;
import io.happypath.contracts.journey.StageEntered;

/**
 * Applies events, stalls and merges to a profile's live state and says what to publish. Pure: no I/O, no clock
 * (the caller passes {@code now}); the caller stores the state and the events atomically.
 *
 * <p>
 * Rules (docs/journey-state.md):
 * <ul>
 * <li>Of the stages whose trigger matches, the last one in definition order is the target; re-entering the current
 * stage does nothing.</li>
 * <li>An event older than the current stage's {@code enteredAt} never moves the stage (late events).</li>
 * <li>{@code onHappyPath} stays true only while each stage is the happy path's next one.</li>
 * <li>Entering the last stage of the definition completes the journey; a completed or exited journey restarts only
 * when its first stage is entered again.</li>
 * <li>An exit trigger moves an active or stalled journey to {@code exited}.</li>
 * </ul>
 */
public final class StateMachine {

    private final int historyLimit;
    private final int touchpointsPerChannel;
    private final int maxChannels;
    private final Emotions emotions;

    public StateMachine(int historyLimit, int touchpointsPerChannel, int maxChannels, Emotions emotions) {
        this.historyLimit = historyLimit;
        this.touchpointsPerChannel = touchpointsPerChannel;
        this.maxChannels = maxChannels;
        this.emotions = emotions;
    }

    /** Applies one event; returns the events to publish, in order. */
    public List<Emitted> apply(ProfileState state, IncomingEvent e, List<CompiledJourney> journeys,
            List<CompiledSegment> segments, Instant now) {
        List<Emitted> out = new ArrayList<>();
        mergeTraits(state, e.traits());
        // The variables of every condition of this event: the state as it was before the event. The profile view
        // serves the segments at the end too (traits do not change in between).
        Object profile = profileView(state);
        Map<String, Object> activation = Map.of("event", Conditions.celValue(e.celMap()), "profile", profile, "state",
                stateView(state));

        for (CompiledJourney journey : journeys) {
            applyJourney(state, journey, e, activation, out);
        }
        applySignals(state, e, journeys, activation, out);

        ProfileState.Touchpoint previous = state.lastTouchpoints.stream()
                .filter(t -> !t.at().isAfter(e.at()))
                .max(Comparator.comparing(ProfileState.Touchpoint::at)).orElse(null);
        emotions.apply(state, e, previous);
        addTouchpoint(state, new ProfileState.Touchpoint(e.channel(), e.name() != null ? e.name() : e.type(), e.at()));
        state.updatedAt = now;
        evaluateSegments(state, segments, e.id(), now, out, profile);
        return out;
    }

    /** Marks the journey stalled if the profile is still in the stage entered at {@code enteredAt}. */
    public List<Emitted> stall(ProfileState state, String journeyId, String stage, Instant enteredAt,
            List<CompiledSegment> segments, Instant now) {
        ProfileState.JourneyState js = state.journeys.get(journeyId);
        if (js == null || !stage.equals(js.stage) || enteredAt.toEpochMilli() != js.enteredAt.toEpochMilli()
                || !ProfileState.ACTIVE.equals(js.status)) {
            return List.of();
        }
        js.status = ProfileState.STALLED;
        String expected = null;
        if (js.stallDueAt != null) {
            expected = java.time.Duration.between(js.enteredAt, js.stallDueAt).toString();
        }
        js.stallDueAt = null;
        state.updatedAt = now;
        List<Emitted> out = new ArrayList<>();
        String cause = "stall|" + journeyId + "|" + stage + "|" + enteredAt.toEpochMilli();
        out.add(new Emitted(id(state.profileId, cause, CloudEventTypes.JOURNEY_STALLED, ""),
                CloudEventTypes.JOURNEY_STALLED, state.profileId,
                new JourneyStalled(state.profileId, journeyId, stage, js.enteredAt, expected == null ? "PT0S" : expected,
                        now)));
        evaluateSegments(state, segments, cause, now, out);
        return out;
    }

    /**
     * Folds merged profiles' states into the survivor's: signals united (earliest {@code since}), per journey the
     * furthest stage, histories combined in time order, emotions by the strongest deviation, touchpoints combined.
     */
    public List<Emitted> merge(ProfileState survivor, List<ProfileState> merged, Map<String, CompiledJourney> journeys,
            List<CompiledSegment> segments, String causeId, Instant now) {
        for (ProfileState other : merged) {
            other.journeys.forEach((journeyId, theirs) -> {
                ProfileState.JourneyState ours = survivor.journeys.get(journeyId);
                if (ours == null) {
                    survivor.journeys.put(journeyId, theirs);
                    return;
                }
                CompiledJourney def = journeys.get(journeyId);
                List<ProfileState.HistoryEntry> history = new ArrayList<>(ours.history);
                Set<String> seen = new HashSet<>();
                ours.history.forEach(h -> seen.add(h.stage() + "|" + h.at() + "|" + h.eventId()));
                theirs.history.stream().filter(h -> seen.add(h.stage() + "|" + h.at() + "|" + h.eventId()))
                        .forEach(history::add);
                history.sort(Comparator.comparing(ProfileState.HistoryEntry::at));
                if (furtherThan(theirs, ours, def)) {
                    ours.stage = theirs.stage;
                    ours.enteredAt = theirs.enteredAt;
                    ours.status = theirs.status;
                    ours.onHappyPath = theirs.onHappyPath;
                    ours.stallDueAt = theirs.stallDueAt;
                }
                ours.history = trim(history);
            });
            other.signals.forEach((id, s) -> survivor.signals.merge(id, s,
                    (a, b) -> a.since().isAfter(b.since()) ? b : a));
            other.signalChangedAt.forEach((id, t) -> survivor.signalChangedAt.merge(id, t, (a, b) -> a.isAfter(b) ? a : b));
            emotions.decay(survivor, now);
            emotions.decay(other, now);
            other.emotion.forEach((dim, v) -> survivor.emotion.merge(dim, v, (a, b) -> Emotions.mergeValue(dim, a, b)));
            other.lastTouchpoints.forEach(t -> addTouchpoint(survivor, t));
            other.traits.forEach(survivor.traits::putIfAbsent);
            if (other.internalLastFailureAt != null && (survivor.internalLastFailureAt == null
                    || other.internalLastFailureAt.isAfter(survivor.internalLastFailureAt))) {
                survivor.internalLastFailureAt = other.internalLastFailureAt;
            }
        }
        survivor.updatedAt = now;
        List<Emitted> out = new ArrayList<>();
        evaluateSegments(survivor, segments, causeId, now, out);
        return out;
    }

    private static boolean furtherThan(ProfileState.JourneyState a, ProfileState.JourneyState b, CompiledJourney def) {
        if (def != null) {
            int ia = def.indexOf(a.stage);
            int ib = def.indexOf(b.stage);
            if (ia != ib) {
                return ia > ib;
            }
        }
        return a.enteredAt != null && b.enteredAt != null && a.enteredAt.isAfter(b.enteredAt);
    }

    private void applyJourney(ProfileState state, CompiledJourney journey, IncomingEvent e,
            Map<String, Object> activation, List<Emitted> out) {
        ProfileState.JourneyState js = state.journeys.get(journey.id());
        boolean inProgress = js != null
                && (ProfileState.ACTIVE.equals(js.status) || ProfileState.STALLED.equals(js.status));
        if (inProgress && !e.at().isBefore(js.enteredAt)
                && journey.exitOn().stream().anyMatch(t -> t.matches(e, activation))) {
            js.status = ProfileState.EXITED;
            js.stallDueAt = null;
            out.add(new Emitted(id(e.id(), journey.id(), CloudEventTypes.JOURNEY_EXITED, js.stage),
                    CloudEventTypes.JOURNEY_EXITED, state.profileId,
                    new JourneyExited(state.profileId, journey.id(), js.stage, "exit-condition", e.name(), e.channel(),
                            e.at())));
            return;
        }
        // The last matching stage in definition order wins: look from the end and stop at the first match.
        CompiledJourney.CompiledStage target = null;
        List<CompiledJourney.CompiledStage> stages = journey.stages();
        for (int i = stages.size() - 1; i >= 0 && target == null; i--) {
            CompiledJourney.CompiledStage stage = stages.get(i);
            if (stage.enterOn() != null && stage.enterOn().matches(e, activation)) {
                target = stage;
            }
        }
        if (target == null) {
            return;
        }
        List<String> happy = journey.definition().happyPath();
        boolean onHappyPath;
        String previous = null;
        if (js == null) {
            js = new ProfileState.JourneyState();
            onHappyPath = happy.isEmpty() || happy.get(0).equals(target.id());
        } else if (!inProgress) {
            // A completed or exited journey starts over only from its first stage.
            if (journey.indexOf(target.id()) != 0 || !e.at().isAfter(js.enteredAt)) {
                return;
            }
            onHappyPath = happy.isEmpty() || happy.get(0).equals(target.id());
            js.history = new ArrayList<>(js.history);
        } else {
            if (target.id().equals(js.stage) || e.at().isBefore(js.enteredAt)) {
                return;
            }
            // Late or replayed: at the very instant of the current entry only a move forwards is believable, and an
            // event that already made an entry of this journey never makes another.
            if ((!e.at().isAfter(js.enteredAt) && journey.indexOf(target.id()) < journey.indexOf(js.stage))
                    || enteredBy(js, e.id())) {
                return;
            }
            previous = js.stage;
            int from = happy.indexOf(js.stage);
            int to = happy.indexOf(target.id());
            onHappyPath = js.onHappyPath && (happy.isEmpty() || (from >= 0 && to == from + 1));
        }
        js.stage = target.id();
        js.enteredAt = e.at();
        js.onHappyPath = onHappyPath;
        js.stallDueAt = target.expectNextWithin() == null ? null : e.at().plus(target.expectNextWithin());
        boolean last = journey.indexOf(target.id()) == journey.stages().size() - 1;
        js.status = last ? ProfileState.COMPLETED : ProfileState.ACTIVE;
        if (last) {
            js.stallDueAt = null;
        }
        List<ProfileState.HistoryEntry> history = new ArrayList<>(js.history);
        history.add(new ProfileState.HistoryEntry(target.id(), e.at(), e.channel(), e.name(), e.id()));
        js.history = trim(history);
        state.journeys.put(journey.id(), js);
        out.add(new Emitted(id(e.id(), journey.id(), CloudEventTypes.STAGE_ENTERED, target.id()),
                CloudEventTypes.STAGE_ENTERED, state.profileId,
                new StageEntered(state.profileId, journey.id(), target.id(), previous, onHappyPath, e.channel(), e.name(),
                        e.messageId(), e.at())));
        if (last) {
            out.add(new Emitted(id(e.id(), journey.id(), CloudEventTypes.JOURNEY_COMPLETED, target.id()),
                    CloudEventTypes.JOURNEY_COMPLETED, state.profileId,
                    new JourneyCompleted(state.profileId, journey.id(), target.id(), onHappyPath, e.channel(), e.at())));
        }
    }

    private static boolean enteredBy(ProfileState.JourneyState js, String eventId) {
        for (ProfileState.HistoryEntry h : js.history) {
            if (eventId.equals(h.eventId())) {
                return true;
            }
        }
        return false;
    }

    private void applySignals(ProfileState state, IncomingEvent e, List<CompiledJourney> journeys,
            Map<String, Object> activation, List<Emitted> out) {
        Set<String> done = new HashSet<>();
        for (CompiledJourney journey : journeys) {
            for (CompiledJourney.CompiledSignal signal : journey.signals()) {
                if (!done.add(signal.id())) {
                    continue; // the first journey that defines a signal id owns it
                }
                Instant changed = state.signalChangedAt.get(signal.id());
                if (changed != null && e.at().isBefore(changed)) {
                    continue; // a late event never undoes a newer change
                }
                boolean open = state.signals.containsKey(signal.id());
                if (!open && signal.setOn() != null && signal.setOn().matches(e, activation)) {
                    state.signals.put(signal.id(), new ProfileState.SignalState(e.at(), e.properties()));
                    state.signalChangedAt.put(signal.id(), e.at());
                    out.add(new Emitted(id(e.id(), signal.id(), CloudEventTypes.SIGNAL_CHANGED, "open"),
                            CloudEventTypes.SIGNAL_CHANGED, state.profileId,
                            new SignalChanged(state.profileId, signal.id(), true, e.properties(), e.at())));
                } else if (open && signal.clearOn() != null && signal.clearOn().matches(e, activation)) {
                    state.signals.remove(signal.id());
                    state.signalChangedAt.put(signal.id(), e.at());
                    out.add(new Emitted(id(e.id(), signal.id(), CloudEventTypes.SIGNAL_CHANGED, "closed"),
                            CloudEventTypes.SIGNAL_CHANGED, state.profileId,
                            new SignalChanged(state.profileId, signal.id(), false, null, e.at())));
                }
            }
        }
    }

    /** Re-evaluates every segment against the state; emits a change for each entry or exit. */
    public void evaluateSegments(ProfileState state, List<CompiledSegment> segments, String causeId, Instant now,
            List<Emitted> out) {
        evaluateSegments(state, segments, causeId, now, out, null);
    }

    private void evaluateSegments(ProfileState state, List<CompiledSegment> segments, String causeId, Instant now,
            List<Emitted> out, Object profile) {
        if (segments.isEmpty() && state.segments.isEmpty()) {
            return;
        }
        Map<String, Object> activation = Map.of("profile", profile != null ? profile : profileView(state), "state",
                stateView(state));
        Set<String> before = new TreeSet<>(state.segments);
        Set<String> after = new TreeSet<>();
        for (CompiledSegment segment : segments) {
            if (segment.when().test(activation)) {
                after.add(segment.id());
            }
        }
        state.segments = new ArrayList<>(after);
        // The profile is part of the id: a cause such as a back-fill or a stall at the same instant touches many.
        String cause = causeId + "|" + state.profileId;
        for (String s : after) {
            if (!before.contains(s)) {
                out.add(new Emitted(id(cause, s, CloudEventTypes.SEGMENT_CHANGED, "in"), CloudEventTypes.SEGMENT_CHANGED,
                        state.profileId, new SegmentChanged(state.profileId, s, true, now)));
            }
        }
        for (String s : before) {
            if (!after.contains(s)) {
                out.add(new Emitted(id(cause, s, CloudEventTypes.SEGMENT_CHANGED, "out"), CloudEventTypes.SEGMENT_CHANGED,
                        state.profileId, new SegmentChanged(state.profileId, s, false, now)));
            }
        }
    }

    private static void mergeTraits(ProfileState state, Map<String, Object> traits) {
        if (!traits.isEmpty()) {
            state.traits.putAll(traits);
        }
    }

    private void addTouchpoint(ProfileState state, ProfileState.Touchpoint t) {
        List<ProfileState.Touchpoint> all = new ArrayList<>(state.lastTouchpoints);
        if (all.contains(t)) {
            return;
        }
        all.add(t);
        all.sort(Comparator.comparing(ProfileState.Touchpoint::at).reversed());
        Map<String, Integer> perChannel = new LinkedHashMap<>();
        List<ProfileState.Touchpoint> kept = new ArrayList<>();
        for (ProfileState.Touchpoint tp : all) {
            String channel = tp.channel() == null ? "" : tp.channel();
            int n = perChannel.getOrDefault(channel, 0);
            if (n < touchpointsPerChannel && (n > 0 || perChannel.size() < maxChannels)) {
                perChannel.put(channel, n + 1);
                kept.add(tp);
            }
        }
        state.lastTouchpoints = kept;
    }

    private List<ProfileState.HistoryEntry> trim(List<ProfileState.HistoryEntry> history) {
        return history.size() <= historyLimit
                ? history
                : new ArrayList<>(history.subList(history.size() - historyLimit, history.size()));
    }

    /** The {@code profile} variable of conditions: {@code {profileId, traits}}, ready for CEL. */
    static Object profileView(ProfileState state) {
        Map<String, Object> m = new LinkedHashMap<>(4);
        if (state.profileId != null) {
            m.put("profileId", state.profileId);
        }
        m.put("traits", Conditions.celValue(state.traits));
        return m;
    }

    /**
     * The {@code state} variable of conditions: journeys, signals, emotion, segments. Built directly in the types CEL
     * works with; only the free-form signal properties need converting.
     */
    static Object stateView(ProfileState state) {
        Map<String, Object> journeys = new LinkedHashMap<>(state.journeys.size() * 2);
        state.journeys.forEach((id, js) -> {
            Map<String, Object> j = new LinkedHashMap<>(8);
            if (js.stage != null) {
                j.put("stage", js.stage);
            }
            if (js.status != null) {
                j.put("status", js.status);
            }
            j.put("onHappyPath", js.onHappyPath);
            if (js.enteredAt != null) {
                j.put("enteredAt", js.enteredAt.toString());
            }
            journeys.put(id, j);
        });
        Map<String, Object> signals = new LinkedHashMap<>(state.signals.size() * 2);
        state.signals.forEach((id, s) -> {
            Map<String, Object> m = new LinkedHashMap<>(4);
            if (s.since() != null) {
                m.put("since", s.since().toString());
            }
            if (s.properties() != null) {
                m.put("properties", Conditions.celValue(s.properties()));
            }
            signals.put(id, m);
        });
        Map<String, Object> emotion = new LinkedHashMap<>(8);
        emotion.putAll(Emotions.NEUTRAL);
        state.emotion.forEach((dim, v) -> {
            if (v != null) {
                emotion.put(dim, v);
            }
        });
        Map<String, Object> m = new LinkedHashMap<>(8);
        m.put("journeys", journeys);
        m.put("signals", signals);
        m.put("emotion", emotion);
        m.put("segments", List.copyOf(state.segments));
        return m;
    }

    /** A deterministic CloudEvent id: the same cause always yields the same id. */
    static String id(String causeId, String subject, String type, String detail) {
        return UUID.nameUUIDFromBytes((causeId + "|" + subject + "|" + type + "|" + detail)
                .getBytes(StandardCharsets.UTF_8)).toString();
    }
}
