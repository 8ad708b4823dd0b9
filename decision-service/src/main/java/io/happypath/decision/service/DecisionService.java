package io.happypath.decision.service;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.happypath.contracts.decision.DecisionMade;
import io.happypath.contracts.decision.ExperimentAssignment;
import io.happypath.contracts.decision.RankedAction;
import io.happypath.contracts.decision.SuppressedAction;
import io.happypath.decision.cache.ContactHistory;
import io.happypath.decision.cache.DecisionRecords;
import io.happypath.decision.cache.ModelCounts;
import io.happypath.decision.client.Upstream;
import io.happypath.decision.config.DecisionConfig;
import io.happypath.decision.domain.Action;
import io.happypath.decision.domain.AdaptiveModel;
import io.happypath.decision.domain.CompiledAction;
import io.happypath.decision.domain.ContactPolicy;
import io.happypath.decision.domain.ContextWeight;
import io.happypath.decision.domain.DecisionInputs;
import io.happypath.decision.domain.Experiment;
import io.happypath.decision.domain.GuardSettings;
import io.happypath.decision.domain.Hashing;
import io.happypath.decision.domain.Pipeline;
import io.happypath.decision.domain.PolicyPlan;
import io.happypath.decision.domain.Predictors;
import io.happypath.decision.domain.Ranked;
import io.happypath.decision.domain.Rule;
import io.happypath.decision.domain.Suppression;
import io.happypath.decision.messaging.DecisionLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.tuples.Tuple2;

/**
 * The next-best-action pipeline of {@code POST /v1/decisions} and of push mode: resolve the profile → live state →
 * candidates → rules → guards → contact policies → arbitration → top {@code limit}; then remember the decision,
 * count the contacts and publish {@code decision.made}.
 */
@ApplicationScoped
// Eager, so that a context weight rule that does not compile fails the start, not the first decision.
@Startup
public class DecisionService {

    private static final Logger LOG = Logger.getLogger(DecisionService.class);
    /** Identifier types in the order identity resolution trusts them (ALGORITHMS.md: user_id, then email). */
    private static final List<String> ID_PRIORITY = List.of("user_id", "email", "phone", "device_id", "anonymous_id");
    private static final int MAX_CACHED_IDENTITIES = 100_000;
    /** The built-in model control group's experiment id. */
    public static final String MODEL_CONTROL = "model-control";

    /** Who a decision is for, and how that was found out. */
    record Subject(String profileId, String key, Map<String, Object> profile, boolean degraded) {
    }

    private record CachedId(String profileId, long expiresAtNanos) {
    }

    private final Catalogue catalogue;
    private final Upstream upstream;
    private final ModelCounts models;
    private final ContactHistory contacts;
    private final DecisionRecords records;
    private final DecisionLog log;
    private final DecisionConfig config;
    private final ObjectMapper json;
    private final MeterRegistry meters;
    private final GuardSettings guards;
    private final List<ContextWeight> contextWeights;
    private final Predictors.Settings predictors;
    private final Map<String, CachedId> identities = new ConcurrentHashMap<>();
    private final Map<String, Timer> latencyTimers = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public DecisionService(Catalogue catalogue, Upstream upstream, ModelCounts models, ContactHistory contacts,
            DecisionRecords records, DecisionLog log, DecisionConfig config, ObjectMapper json, MeterRegistry meters) {
        this.catalogue = catalogue;
        this.upstream = upstream;
        this.models = models;
        this.contacts = contacts;
        this.records = records;
        this.log = log;
        this.config = config;
        this.json = json;
        this.meters = meters;
        DecisionConfig.Guards g = config.guards();
        this.guards = new GuardSettings(g.blockingSignals(), g.frustrationThreshold(), g.sellingGroups(),
                g.serviceGroup(), g.serviceBoost(), g.marketingGroups(), g.consentTrait(), g.consentWithdrawnSignal(),
                g.recentPurchaseWindow(), g.purchaseEvents());
        this.contextWeights = config.contextWeights().entrySet().stream()
                .map(e -> new ContextWeight(Rule.compile("context-weights." + e.getKey(), e.getValue().when()),
                        e.getValue().group().orElse(null), e.getValue().action().orElse(null), e.getValue().weight()))
                .toList();
        this.predictors = predictorSettings(config.model());
    }

    static Predictors.Settings predictorSettings(DecisionConfig.Model m) {
        List<Double> t = m.emotionThresholds();
        if (t.size() != 2) {
            throw new IllegalArgumentException("happypath.decision.model.emotion-thresholds needs two ascending "
                    + "numbers (low below the first, high from the second), was " + t);
        }
        return new Predictors.Settings(m.traits().orElse(List.of()), m.emotions(), t.get(0), t.get(1));
    }

    /**
     * A decision that may not degrade could not read the profile or the live state; nothing of it was recorded.
     */
    public static final class InputsUnavailable extends RuntimeException {

        InputsUnavailable(String subject) {
            super("the profile or live state of " + subject + " could not be read");
        }
    }

    /** Decides for a validated request; when a dependency does not answer, with what is known ({@code degraded}). */
    public Uni<Decision> decide(DecisionRequest request) {
        return decide(request, a -> true, true);
    }

    /**
     * Decides for a validated request among the catalogue's actions that {@code among} accepts (all for pull, the
     * triggered actions for push). Unless {@code mayDegrade}, a profile or live state that could not be read fails the
     * decision with {@link InputsUnavailable} instead of deciding without it.
     */
    public Uni<Decision> decide(DecisionRequest request, Predicate<Action> among, boolean mayDegrade) {
        long start = System.nanoTime();
        Instant now = Instant.now();
        String channel = request.channel();
        return resolve(request).chain(who -> {
            // The profile and the live state are read at the same time.
            Uni<Optional<Map<String, Object>>> state = who.profileId() == null
                    ? Uni.createFrom().item(Optional.<Map<String, Object>>empty())
                    : upstream.state(who.profileId());
            return Uni.combine().all()
                    .unis(subject(who), state.map(s -> new Object[]{s.orElse(Map.of()), false})
                            .onFailure().recoverWithItem(e -> {
                                LOG.debugf(e, "live state unavailable for %s", who.profileId());
                                return new Object[]{Map.of(), true};
                            }),
                            // The models of the catalogue's actions on the channel (not of deleted ones).
                            catalogue.snapshot().chain(snapshot -> models.forChannel(channel, () -> snapshot
                                    .actions().values().stream().map(CompiledAction::action)
                                    .filter(a -> a.channels().contains(channel)).map(Action::id).toList())
                                    .map(m -> Tuple2.of(snapshot, m))))
                    .asTuple().chain(t -> {
                        Subject subject = t.getItem1();
                        @SuppressWarnings("unchecked")
                        Map<String, Object> liveState = (Map<String, Object>) t.getItem2()[0];
                        boolean degraded = subject.degraded() || (Boolean) t.getItem2()[1];
                        if (degraded && !mayDegrade) {
                            return Uni.createFrom().failure(new InputsUnavailable(subject.key()));
                        }
                        DecisionInputs in = new DecisionInputs(channel, request.placement(), subject.profile(),
                                liveState, requestJson(request), request.context() == null
                                        ? Map.of()
                                        : request.context(),
                                now);
                        Catalogue.Snapshot snapshot = t.getItem3().getItem1();
                        Collection<CompiledAction> candidates = snapshot.actions().values().stream()
                                .filter(ca -> among.test(ca.action())).toList();
                        return decide(subject, in, candidates, snapshot, t.getItem3().getItem2(), request.limit(),
                                degraded, start);
                    });
        });
    }

    private Uni<Decision> decide(Subject subject, DecisionInputs in, Collection<CompiledAction> candidates,
            Catalogue.Snapshot snapshot, Map<String, AdaptiveModel> channelModels, int limit, boolean degraded,
            long start) {
        Pipeline.Screening screening = Pipeline.screen(candidates, in, guards);
        return policyVerdicts(subject.key(), screening.survivors(), snapshot.policies(), in).chain(blocked -> {
            List<Suppression> suppressed = new ArrayList<>(screening.suppressed());
            List<CompiledAction> allowed = new ArrayList<>();
            for (CompiledAction ca : screening.survivors()) {
                String reason = blocked.get(ca.id());
                if (reason == null) {
                    allowed.add(ca);
                } else {
                    suppressed.add(new Suppression(ca.id(), reason));
                }
            }
            ExperimentAssignment assignment = assign(subject.key(), in.channel(), in.placement(), snapshot.experiments(),
                    in.now());
            boolean random = isRandom(assignment, snapshot.experiments());
            Map<String, String> values = Predictors.of(in, predictors);
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            List<Ranked> ranked = Pipeline.arbitrate(allowed, a -> random
                    ? rnd.nextDouble()
                    : channelModels.getOrDefault(a.id(), AdaptiveModel.EMPTY).sample(values, rnd),
                    screening.boosts(), contextWeights, config.groupWeights(), config.issueWeights(),
                    screening.celVariables(), limit);
            int reasons = random ? 0 : config.model().explanationSize();
            String decisionId = UUID.randomUUID().toString();
            Decision decision = new Decision(decisionId, subject.profileId(), in.channel(), in.placement(),
                    ranked.stream().map(r -> new Decision.Shown(r.action().id(), r.action().name(),
                            r.action().group(), r.priority(), r.propensity(), r.action().contentFor(in.channel()),
                            channelModels.getOrDefault(r.action().id(), AdaptiveModel.EMPTY).explain(values, reasons)))
                            .toList(),
                    suppressed.stream().map(s -> new SuppressedAction(s.actionId(), s.reason())).toList(), assignment,
                    degraded);
            return remember(subject, decision, ranked, snapshot.policies(), in, values).invoke(() -> measure(
                    decision, suppressed, start));
        });
    }

    /** Stores the decision for its outcomes, counts its contacts and publishes it. */
    private Uni<Decision> remember(Subject subject, Decision d, List<Ranked> ranked, List<ContactPolicy> policies,
            DecisionInputs in, Map<String, String> values) {
        // Each shown action counts once on every counter of the frequency policies that govern it.
        Set<ContactHistory.Contact> shown = new LinkedHashSet<>();
        for (Ranked r : ranked) {
            for (ContactPolicy p : policies) {
                if (p.countsContacts() && p.appliesTo(r.action(), in.channel())) {
                    shown.add(new ContactHistory.Contact(p.counter(r.action(), in.channel()), d.decisionId() + ":"
                            + r.action().id()));
                }
            }
        }
        List<Uni<Void>> ops = new ArrayList<>();
        ops.add(records.save(d.decisionId(), subject.key(), write(new StoredDecision(subject.key(),
                subject.profileId(), in.channel(), ranked.stream().map(r -> r.action().id()).toList(), in.placement(),
                values)), in.now()));
        ops.add(contacts.recordContacts(subject.key(), List.copyOf(shown), in.now()));
        DecisionMade made = new DecisionMade(d.decisionId(), d.profileId(), d.channel(), d.placement(),
                ranked.stream().map(r -> new RankedAction(r.action().id(), r.priority(), r.propensity())).toList(),
                d.suppressed(), d.experiment(), d.degraded(), in.now());
        return Uni.join().all(ops).andFailFast().chain(() -> log.made(subject.key(), made)).replaceWith(d);
    }

    /** The reason a contact policy excludes each survivor now, if one does. */
    private Uni<Map<String, String>> policyVerdicts(String subject, List<CompiledAction> survivors,
            List<ContactPolicy> policies, DecisionInputs in) {
        if (policies.isEmpty() || survivors.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        // One check per distinct (policy, counter), shared by every action that falls in it; all in one round trip.
        PolicyPlan plan = PolicyPlan.of(survivors, policies, in.channel());
        List<PolicyPlan.Check> checks = plan.checks();
        if (checks.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return contacts.reached(subject, checks, in.now()).map(results -> {
            Map<PolicyPlan.Check, Boolean> reached = new HashMap<>();
            for (int i = 0; i < checks.size(); i++) {
                reached.put(checks.get(i), results.get(i));
            }
            return plan.blocked(reached::get);
        });
    }

    /**
     * The experiment variant: the first active experiment on the channel, else the model control group (ALGORITHMS.md
     * step 5: {@code hashToProportion(profile + month) < holdout} gets random propensity).
     */
    static ExperimentAssignment assign(String subjectKey, String channel, String placement,
            List<Experiment> experiments, double holdout, Instant now) {
        for (Experiment x : experiments) {
            if (x.runsOn(channel, placement) && !x.variants().isEmpty()) {
                Experiment.Variant v = x.assign(subjectKey);
                return new ExperimentAssignment(x.id(), v.id(), x.share(v));
            }
        }
        String month = YearMonth.from(now.atZone(ZoneOffset.UTC)).toString();
        boolean control = Hashing.toProportion(subjectKey + ":" + month) < holdout;
        return new ExperimentAssignment(MODEL_CONTROL, control ? "control" : "model", control ? holdout : 1 - holdout);
    }

    private ExperimentAssignment assign(String subjectKey, String channel, String placement,
            List<Experiment> experiments, Instant now) {
        return assign(subjectKey, channel, placement, experiments, config.model().holdout(), now);
    }

    private static boolean isRandom(ExperimentAssignment a, List<Experiment> experiments) {
        if (MODEL_CONTROL.equals(a.id())) {
            return "control".equals(a.variant());
        }
        return experiments.stream().filter(x -> x.id().equals(a.id())).flatMap(x -> x.variants().stream())
                .anyMatch(v -> v.id().equals(a.variant()) && v.randomPropensity());
    }

    /** Whose decision it is: the profile id (null when unknown or unresolvable) and the key it is counted under. */
    record Resolved(String profileId, String key, boolean degraded) {
    }

    /** Resolves the request's profile id; an identity-service that does not answer → unknown, degraded. */
    Uni<Resolved> resolve(DecisionRequest request) {
        if (request.profileId() != null) {
            return Uni.createFrom().item(new Resolved(request.profileId(), request.profileId(), false));
        }
        List<Map.Entry<String, String>> ids = orderedIdentifiers(request.identifiers());
        String fallbackKey = ids.get(0).getKey() + ":" + ids.get(0).getValue();
        return resolve(ids, 0).map(pid -> new Resolved(pid.orElse(null), pid.orElse(fallbackKey), false))
                .onFailure().recoverWithItem(e -> new Resolved(null, fallbackKey, true));
    }

    /** Who the decision is for; unknown or unreachable → anonymous defaults. */
    Uni<Subject> subject(Resolved who) {
        if (who.profileId() == null) {
            return Uni.createFrom().item(new Subject(null, who.key(), anonymous(null), who.degraded()));
        }
        String pid = who.profileId();
        return upstream.profile(pid)
                .map(p -> new Subject(pid, pid, p.map(DecisionService::known).orElseGet(() -> anonymous(pid)),
                        who.degraded()))
                .onFailure().recoverWithItem(e -> new Subject(pid, pid, anonymous(pid), true));
    }

    private Uni<Optional<String>> resolve(List<Map.Entry<String, String>> ids, int i) {
        if (i >= ids.size()) {
            return Uni.createFrom().item(Optional.empty());
        }
        String key = ids.get(i).getKey() + "\u0000" + ids.get(i).getValue();
        CachedId cached = identities.get(key);
        if (cached != null && System.nanoTime() < cached.expiresAtNanos()) {
            return Uni.createFrom().item(Optional.of(cached.profileId()));
        }
        return upstream.resolve(ids.get(i).getKey(), ids.get(i).getValue()).chain(found -> {
            if (found.isPresent()) {
                if (identities.size() > MAX_CACHED_IDENTITIES) {
                    identities.clear();
                }
                identities.put(key, new CachedId(found.get(),
                        System.nanoTime() + config.upstream().identityCacheTtl().toNanos()));
                return Uni.createFrom().item(found);
            }
            return resolve(ids, i + 1);
        });
    }

    static List<Map.Entry<String, String>> orderedIdentifiers(Map<String, String> identifiers) {
        List<Map.Entry<String, String>> list = new ArrayList<>(identifiers.entrySet());
        list.sort((a, b) -> Integer.compare(rank(a.getKey()), rank(b.getKey())));
        return list;
    }

    private static int rank(String type) {
        int i = ID_PRIORITY.indexOf(type);
        return i < 0 ? ID_PRIORITY.size() - 1 : i;
    }

    private static Map<String, Object> known(Map<String, Object> profile) {
        Map<String, Object> p = new HashMap<>(profile);
        p.putIfAbsent("traits", Map.of());
        p.put("known", true);
        return p;
    }

    private static Map<String, Object> anonymous(String profileId) {
        Map<String, Object> p = new HashMap<>();
        if (profileId != null) {
            p.put("profileId", profileId);
        }
        p.put("traits", Map.of());
        p.put("known", false);
        return p;
    }

    private static Map<String, Object> requestJson(DecisionRequest r) {
        Map<String, Object> m = new HashMap<>();
        m.put("channel", r.channel());
        if (r.placement() != null) {
            m.put("placement", r.placement());
        }
        m.put("limit", r.limit());
        if (r.profileId() != null) {
            m.put("profileId", r.profileId());
        }
        if (r.identifiers() != null) {
            m.put("identifiers", r.identifiers());
        }
        return m;
    }

    private void measure(Decision d, List<Suppression> suppressed, long start) {
        // Meters are looked up once per channel or reason kind, not built for every decision and candidate.
        latencyTimers.computeIfAbsent(d.channel(), c -> Timer.builder("happypath.decision.latency")
                .description("Time to make a decision, server side").tag("channel", c).publishPercentileHistogram()
                .register(meters)).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        String status = d.degraded() ? "degraded" : "complete";
        counters.computeIfAbsent("decisions\u0000" + d.channel() + "\u0000" + status, k -> Counter
                .builder("happypath.decision.decisions").description("Decisions made").tag("channel", d.channel())
                .tag("status", status).register(meters)).increment();
        Map<String, Integer> byKind = new HashMap<>();
        for (Suppression s : suppressed) {
            byKind.merge(reasonKind(s.reason()), 1, Integer::sum);
        }
        byKind.forEach((kind, n) -> counters.computeIfAbsent("suppressions\u0000" + kind, k -> Counter
                .builder("happypath.decision.suppressions").description("Candidates left out, by kind of reason")
                .tag("reason", kind).register(meters)).increment(n));
    }

    /** A bounded tag value for a suppression reason. */
    static String reasonKind(String reason) {
        if (reason.startsWith("open service issue")) {
            return "service-issue";
        }
        if (reason.startsWith("frustration")) {
            return "frustration";
        }
        if (reason.startsWith("marketing consent")) {
            return "consent";
        }
        if (reason.startsWith("recently bought")) {
            return "recent-purchase";
        }
        if (reason.startsWith("contact policy")) {
            return "contact-policy";
        }
        int space = reason.indexOf(' ');
        return space > 0 ? reason.substring(0, space) : "other";
    }

    private String write(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
