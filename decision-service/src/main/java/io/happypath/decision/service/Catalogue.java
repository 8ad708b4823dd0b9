package io.happypath.decision.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.happypath.decision.config.DecisionConfig;
import io.happypath.decision.domain.Action;
import io.happypath.decision.domain.CompiledAction;
import io.happypath.decision.domain.ContactPolicy;
import io.happypath.decision.domain.Experiment;
import io.happypath.decision.domain.RuleCompileException;
import io.happypath.decision.repository.ActionEntity;
import io.happypath.decision.repository.ContactPolicyEntity;
import io.happypath.decision.repository.Definitions;
import io.happypath.decision.repository.ExperimentEntity;
import io.happypath.decision.repository.StoredDefinition;
import io.happypath.platform.rest.ApiException;
import io.smallrye.mutiny.Uni;

/**
 * The action catalogue, contact policies and experiments: validated and stored in PostgreSQL, served to the
 * decision pipeline from an in-memory snapshot with compiled rules. A write on this replica replaces the snapshot
 * at once; other replicas reload it every {@code catalogue-refresh}.
 */
@ApplicationScoped
public class Catalogue {

    private static final Logger LOG = Logger.getLogger(Catalogue.class);

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,199}");
    private static final Set<String> SCOPES = Set.of("channel", "group", "action");

    /** Everything a decision needs from the catalogue, immutable. */
    public record Snapshot(Map<String, CompiledAction> actions, List<ContactPolicy> policies,
            List<Experiment> experiments, long generation, long loadedAtNanos) {
    }

    private record Loading(long generation, Uni<Snapshot> uni) {
    }

    /** An action compiled from its stored definition. */
    private record Compiled(String definition, CompiledAction action) {
    }

    /** A stored definition and whether it was created (else replaced). */
    public record Put<T>(T value, boolean created) {
    }

    private final Definitions store;
    private final ObjectMapper json;
    private final DecisionConfig config;
    private final long refreshNanos;
    private final AtomicLong generation = new AtomicLong();
    private volatile Snapshot snapshot;
    private volatile Loading loading;
    /**
     * The last compiled form of each action: a reload reuses it while the stored definition is unchanged, because
     * compiling CEL costs about a millisecond per rule and the catalogue reloads every few seconds.
     */
    private volatile Map<String, Compiled> compiledById = Map.of();

    public Catalogue(Definitions store, ObjectMapper json, DecisionConfig config) {
        this.store = store;
        this.json = json;
        this.config = config;
        this.refreshNanos = config.catalogueRefresh().toNanos();
    }

    /**
     * The current snapshot. After a write on this replica, the reload is awaited; a snapshot older than
     * {@code catalogue-refresh} is still served while one reload runs in the background.
     */
    public Uni<Snapshot> snapshot() {
        long gen = generation.get();
        Snapshot s = snapshot;
        if (s != null && s.generation() == gen) {
            if (System.nanoTime() - s.loadedAtNanos() >= refreshNanos) {
                reload(gen).subscribe().with(loaded -> {
                }, e -> LOG.debugf(e, "could not reload the catalogue; serving the one loaded before"));
            }
            return Uni.createFrom().item(s);
        }
        return reload(gen);
    }

    /**
     * The reload of generation {@code gen}: concurrent callers share one instead of each querying PostgreSQL; a write
     * in between (a new generation) starts a fresh one, so a stale read never replaces a newer write.
     */
    private Uni<Snapshot> reload(long gen) {
        Loading l = loading;
        if (l == null || l.generation() != gen) {
            // Deferred: Panache binds its session to the Vert.x context current when the query is assembled, so the
            // reload must be assembled by whichever caller subscribes first, on that caller's context, not here.
            Loading started = new Loading(gen, Uni.createFrom().deferred(() -> load(gen)).invoke(loaded -> {
                if (generation.get() == gen) {
                    snapshot = loaded;
                }
            }).eventually(() -> {
                clearLoading(gen);
            }).memoize().indefinitely());
            loading = started;
            l = started;
        }
        return l.uni();
    }

    private void clearLoading(long gen) {
        Loading l = loading;
        if (l != null && l.generation() == gen) {
            loading = null;
        }
    }

    /** Forces the next {@link #snapshot()} to reload. */
    public void invalidate() {
        generation.incrementAndGet();
    }

    private Uni<Snapshot> load(long gen) {
        return store.list(ActionEntity.class).chain(actions -> store.list(ContactPolicyEntity.class)
                .chain(policies -> store.list(ExperimentEntity.class).map(experiments -> {
                    Map<String, CompiledAction> compiled = new LinkedHashMap<>();
                    Map<String, Compiled> previous = compiledById;
                    Map<String, Compiled> next = new HashMap<>();
                    for (ActionEntity e : actions) {
                        Compiled c = previous.get(e.id);
                        if (c == null || !c.definition().equals(e.definition)) {
                            c = new Compiled(e.definition, CompiledAction.of(read(e, Action.class)));
                        }
                        next.put(e.id, c);
                        compiled.put(e.id, c.action());
                    }
                    compiledById = next;
                    return new Snapshot(Map.copyOf(compiled), policies.stream()
                            .map(p -> read(p, ContactPolicy.class)).toList(),
                            experiments.stream().map(x -> read(x, Experiment.class)).toList(), gen,
                            System.nanoTime());
                })));
    }

    // ---- actions

    /** Validates, compiles and stores an action; true when created. */
    public Uni<Put<Action>> putAction(String id, Action body) {
        Action action = validate(id, body);
        return store.put(ActionEntity.class, ActionEntity::new, id, write(action)).invoke(this::invalidate)
                .map(created -> new Put<>(action, created));
    }

    public Uni<List<Action>> actions() {
        return store.list(ActionEntity.class).map(l -> l.stream().map(e -> read(e, Action.class)).toList());
    }

    public Uni<Boolean> deleteAction(String id) {
        return store.delete(ActionEntity.class, id).invoke(this::invalidate);
    }

    Action validate(String id, Action body) {
        checkId(id);
        if (body == null) {
            throw ApiException.badRequest("missing_body", "The request needs an action as a JSON object.");
        }
        if (body.id() != null && !body.id().equals(id)) {
            throw ApiException.badRequest("id_mismatch",
                    "The body's id '" + body.id() + "' differs from the path's '" + id + "'.");
        }
        Action a = body.withId(id);
        List<String> problems = new ArrayList<>();
        if (a.name() == null || a.name().isBlank()) {
            problems.add("name is required");
        }
        if (a.group() == null || a.group().isBlank()) {
            problems.add("group is required");
        }
        if (a.channels().isEmpty()) {
            problems.add("channels must name at least one channel");
        }
        for (String c : a.channels()) {
            if (!config.channels().contains(c)) {
                problems.add("unknown channel '" + c + "', expected one of " + config.channels());
            }
        }
        if (!Double.isFinite(a.value()) || a.value() < 0) {
            problems.add("value must be a finite number ≥ 0");
        }
        if (!Double.isFinite(a.weight())) {
            problems.add("weight must be a finite number");
        }
        for (Action.Trigger t : a.triggers()) {
            if (!"journey.stalled".equals(t.on())) {
                problems.add("trigger on '" + t.on() + "' is not supported, expected journey.stalled");
            }
            if (t.channel() != null && !a.channels().contains(t.channel())) {
                problems.add("trigger channel '" + t.channel() + "' is not one of the action's channels");
            }
        }
        if (!problems.isEmpty()) {
            throw new ApiException(400, "invalid_action", "The action is invalid: " + String.join("; ", problems),
                    problems);
        }
        try {
            CompiledAction.of(a);
        } catch (RuleCompileException e) {
            throw new ApiException(400, "invalid_rule", e.getMessage(), List.of(Map.of("rule", e.rule())));
        }
        return a;
    }

    // ---- contact policies

    public Uni<Put<ContactPolicy>> putPolicy(String id, ContactPolicy body) {
        ContactPolicy p = validate(id, body);
        return store.put(ContactPolicyEntity.class, ContactPolicyEntity::new, id, write(p)).invoke(this::invalidate)
                .map(created -> new Put<>(p, created));
    }

    public Uni<List<ContactPolicy>> policies() {
        return store.list(ContactPolicyEntity.class)
                .map(l -> l.stream().map(e -> read(e, ContactPolicy.class)).toList());
    }

    public Uni<Boolean> deletePolicy(String id) {
        return store.delete(ContactPolicyEntity.class, id).invoke(this::invalidate);
    }

    ContactPolicy validate(String id, ContactPolicy body) {
        checkId(id);
        if (body == null) {
            throw ApiException.badRequest("missing_body", "The request needs a contact policy as a JSON object.");
        }
        ContactPolicy p = new ContactPolicy(id, body.type(), body.scope(), body.channel(), body.group(),
                body.actionId(), body.max(), body.window(), body.outcome(), body.pause());
        List<String> problems = new ArrayList<>();
        if (!p.countsContacts() && !p.pausesAfterOutcomes()) {
            problems.add("type must be frequency or suppression");
        }
        if (p.scope() == null || !SCOPES.contains(p.scope())) {
            problems.add("scope must be one of " + SCOPES);
        }
        if (p.channel() != null && !config.channels().contains(p.channel())) {
            problems.add("unknown channel '" + p.channel() + "'");
        }
        if (p.max() == null || p.max() < 1) {
            problems.add("max must be an integer ≥ 1");
        }
        checkDuration("window", p.window(), problems);
        if (p.pausesAfterOutcomes()) {
            checkDuration("pause", p.pause(), problems);
            if (p.outcome() == null) {
                problems.add("outcome is required for a suppression policy");
            } else {
                try {
                    io.happypath.contracts.decision.Outcome.fromWire(p.outcome());
                } catch (IllegalArgumentException e) {
                    problems.add(e.getMessage());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ApiException(400, "invalid_policy", "The policy is invalid: " + String.join("; ", problems),
                    problems);
        }
        return p;
    }

    private static void checkDuration(String field, String value, List<String> problems) {
        try {
            if (value == null || Duration.parse(value).isNegative() || Duration.parse(value).isZero()) {
                problems.add(field + " must be a positive ISO-8601 duration such as P7D");
            }
        } catch (RuntimeException e) {
            problems.add(field + " must be a positive ISO-8601 duration such as P7D, was '" + value + "'");
        }
    }

    // ---- experiments

    public Uni<Put<Experiment>> putExperiment(String id, Experiment body) {
        Experiment x = validate(id, body);
        return store.put(ExperimentEntity.class, ExperimentEntity::new, id, write(x)).invoke(this::invalidate)
                .map(created -> new Put<>(x, created));
    }

    public Uni<List<Experiment>> experiments() {
        return store.list(ExperimentEntity.class).map(l -> l.stream().map(e -> read(e, Experiment.class)).toList());
    }

    public Uni<Boolean> deleteExperiment(String id) {
        return store.delete(ExperimentEntity.class, id).invoke(this::invalidate);
    }

    Experiment validate(String id, Experiment body) {
        checkId(id);
        if (body == null) {
            throw ApiException.badRequest("missing_body", "The request needs an experiment as a JSON object.");
        }
        Experiment x = body.withId(id);
        List<String> problems = new ArrayList<>();
        if (x.variants().isEmpty()) {
            problems.add("variants must name at least one variant");
        }
        for (Experiment.Variant v : x.variants()) {
            if (v == null || v.id() == null || v.id().isBlank()) {
                problems.add("every variant needs an id");
            } else if (!(v.weight() > 0) || !Double.isFinite(v.weight())) {
                problems.add("variant '" + v.id() + "' needs a weight > 0");
            } else if (v.propensity() != null && !Set.of("model", "random").contains(v.propensity())) {
                problems.add("variant '" + v.id() + "': propensity must be model or random");
            }
        }
        for (String c : x.channels()) {
            if (!config.channels().contains(c)) {
                problems.add("unknown channel '" + c + "'");
            }
        }
        if (!problems.isEmpty()) {
            throw new ApiException(400, "invalid_experiment",
                    "The experiment is invalid: " + String.join("; ", problems), problems);
        }
        return x;
    }

    // ---- helpers

    private static void checkId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw ApiException.badRequest("invalid_id",
                    "Ids are 1 to 200 letters, digits, '.', '_', ':' or '-', starting with a letter or digit.");
        }
    }

    private String write(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + o.getClass().getSimpleName(), e);
        }
    }

    private <T> T read(StoredDefinition e, Class<T> type) {
        try {
            return json.readValue(e.definition, type);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("stored " + type.getSimpleName() + " '" + e.id + "' is unreadable", ex);
        }
    }
}
