package io.happypath.devstack.sim;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.happypath.contracts.Json;

/**
 * Simulated customers walking their journeys across web, app, store, call centre and e-mail (issue 9).
 * <p>
 * Time compression: every customer's behaviour is laid out over the simulated {@code period} (days) that ends when the
 * run starts, and the run replays that period in {@code duration} (seconds): messages carry their simulated timestamps
 * and are sent in simulated order. Each session goes out as one Segment {@code /v1/batch} with its channel's write key;
 * a customer's next session waits for the previous one to be acknowledged plus {@code minGap}, so that the platform sees
 * each customer's channels in the order they happened. Sessions that ask for decisions call the decision-service as the
 * channel would, once the live state holds the session's events (in real time, minutes pass), and the customer answers
 * the top action (click, accept, dismiss; some accepted offers also convert) by its persona.
 * <p>
 * Seeded: the same seed gives the same customers, personas, events, timings and answers; identifiers carry the run id,
 * so a second run is new people, not duplicates. What the platform decides can still differ, since its models learn.
 */
public final class Simulator {

    /**
     * @param writeKeys the write key per channel
     * @param decisionToken a bearer token with the {@code decision-client} role
     * @param identityService where a session's decisions look the customer up before they ask
     * @param journeyService where they check that the live state holds the session's events
     * @param readToken a bearer token that may read identities and live states ({@code analyst})
     */
    public record Settings(long seed, int customers, Duration period, Duration duration, String run, URI collector,
            URI decisionService, String decisionToken, Map<String, String> writeKeys, Duration minGap,
            URI identityService, URI journeyService, String readToken) {
    }

    /** What a run sent and saw. */
    public static final class Stats {

        final LongAdder sessions = new LongAdder();
        final LongAdder messages = new LongAdder();
        final LongAdder decisions = new LongAdder();
        final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
        final Map<String, LongAdder> shown = new ConcurrentHashMap<>();
        final Map<String, LongAdder> suppressed = new ConcurrentHashMap<>();
        final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
        final Map<Persona, LongAdder> personas = new ConcurrentHashMap<>();

        public long sessions() {
            return sessions.sum();
        }

        public long messages() {
            return messages.sum();
        }

        public long decisions() {
            return decisions.sum();
        }

        /** Failed requests by what failed, e.g. {@code collector 503}. */
        public Map<String, Long> failures() {
            return sums(failures);
        }

        /** How often each action was the top action of a decision. */
        public Map<String, Long> shown() {
            return sums(shown);
        }

        /** Suppressions seen in decisions, by reason. */
        public Map<String, Long> suppressed() {
            return sums(suppressed);
        }

        /** Outcomes reported, by kind. */
        public Map<String, Long> outcomes() {
            return sums(outcomes);
        }

        public Map<String, Long> personas() {
            Map<String, Long> out = new TreeMap<>();
            personas.forEach((p, n) -> out.put(p.name(), n.sum()));
            return out;
        }

        private static Map<String, Long> sums(Map<String, LongAdder> m) {
            Map<String, Long> out = new TreeMap<>();
            m.forEach((k, v) -> out.put(k, v.sum()));
            return out;
        }

        private static void count(Map<String, LongAdder> m, String key) {
            m.computeIfAbsent(key, k -> new LongAdder()).increment();
        }
    }

    private static final ObjectMapper JSON = Json.newMapper();

    /** How long a session's decisions wait at most for the platform to hold the session's events. */
    static final Duration SETTLE = Duration.ofSeconds(10);

    /** The chance that an accepted offer is also converted (the purchase made, the activation fixed). */
    static final double CONVERSION_AFTER_ACCEPT = 0.4;

    private final Settings settings;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Stats stats = new Stats();

    public Simulator(Settings settings) {
        this.settings = settings;
    }

    /** Every customer's sessions, laid out over the period; the same for the same seed, customers and period. */
    public List<List<Session>> plan() {
        List<List<Session>> plan = new ArrayList<>(settings.customers());
        for (int n = 0; n < settings.customers(); n++) {
            Random random = new Random(mix(settings.seed(), n));
            Customer customer = new Customer(n, settings.run(), Persona.draw(random));
            Script script = new Script(customer, random);
            customer.persona().write(script);
            List<Session> sessions = script.sessions();
            // Struggling customers are recent (their frustration has not decayed yet); the others start anywhere.
            long room = Math.max(0, settings.period().toMillis() - script.length().toMillis());
            long start = customer.persona() == Persona.STRUGGLING_ACTIVATOR
                    ? room - (long) (random.nextDouble() * Math.min(room, Duration.ofDays(1).toMillis()))
                    : (long) (random.nextDouble() * room);
            plan.add(sessions.stream().map(s -> new Session(s.customer(), s.at().plusMillis(start), s.channel(),
                    s.messages(), s.offsets(), s.decisions())).toList());
        }
        return plan;
    }

    /** Sends the plan in compressed time; returns when every session has been sent (or failed). */
    public Stats run() throws InterruptedException {
        List<List<Session>> plan = plan();
        Instant periodStart = Instant.now().minus(settings.period());
        long startNanos = System.nanoTime();
        double compression = (double) settings.duration().toNanos() / settings.period().toNanos();

        record Due(long atNanos, List<Session> sessions, int next) {
        }
        PriorityQueue<Due> queue = new PriorityQueue<>(Comparator.comparingLong(Due::atNanos));
        for (List<Session> sessions : plan) {
            if (!sessions.isEmpty()) {
                stats.personas.computeIfAbsent(sessions.get(0).customer().persona(), p -> new LongAdder()).increment();
                queue.add(new Due(startNanos + (long) (sessions.get(0).at().toNanos() * compression), sessions, 0));
            }
        }
        AtomicInteger inFlight = new AtomicInteger();
        // Sessions with decisions wait for the platform before asking: enough workers that the waits do not delay the
        // schedule.
        ExecutorService workers = Executors.newFixedThreadPool(32);
        try {
            while (true) {
                Due due;
                synchronized (queue) {
                    due = queue.peek();
                    if (due == null && inFlight.get() == 0) {
                        break;
                    }
                    long wait = due == null ? 20_000_000L : due.atNanos() - System.nanoTime();
                    if (wait > 0) {
                        queue.wait(Math.max(1, Math.min(20, wait / 1_000_000)));
                        continue;
                    }
                    queue.poll();
                    inFlight.incrementAndGet();
                }
                Due current = due;
                workers.submit(() -> {
                    try {
                        send(current.sessions().get(current.next()), periodStart);
                    } finally {
                        synchronized (queue) {
                            int next = current.next() + 1;
                            if (next < current.sessions().size()) {
                                long planned = startNanos
                                        + (long) (current.sessions().get(next).at().toNanos() * compression);
                                long earliest = System.nanoTime() + settings.minGap().toNanos();
                                queue.add(new Due(Math.max(planned, earliest), current.sessions(), next));
                            }
                            inFlight.decrementAndGet();
                            queue.notifyAll();
                        }
                    }
                });
            }
        } finally {
            workers.shutdown();
            workers.awaitTermination(1, TimeUnit.MINUTES);
        }
        return stats;
    }

    private void send(Session session, Instant periodStart) {
        stats.sessions.increment();
        Instant sessionAt = periodStart.plus(session.at());
        ArrayNode batch = JSON.createArrayNode();
        for (int i = 0; i < session.messages().size(); i++) {
            ObjectNode m = session.messages().get(i).deepCopy();
            m.put("timestamp", sessionAt.plus(session.offsets().get(i)).toString());
            batch.add(m);
        }
        if (!batch.isEmpty()) {
            ObjectNode body = JSON.createObjectNode();
            body.set("batch", batch);
            body.put("sentAt", Instant.now().toString());
            String key = settings.writeKeys().get(session.channel());
            String auth = "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> r = post(settings.collector().resolve("/v1/batch"), auth, body, "collector");
            if (r == null || r.statusCode() != 200) {
                return; // the customer's decisions in this session would see a state without these events
            }
            stats.messages.add(batch.size());
        }
        if (!session.decisions().isEmpty() && !awaitTakenIn(session, batch)) {
            Stats.count(stats.failures, "decided before the platform held the session's events");
        }
        for (String placement : session.decisions()) {
            decide(session, placement);
        }
    }

    /**
     * Waits until the live state holds the session's last track event, at most {@link #SETTLE}. Compressed time puts
     * the checkout decision milliseconds after the identify that carries a trait; in real time minutes pass, and the
     * platform has taken the events in by then: waiting for it keeps what the decision can know, on any machine.
     */
    private boolean awaitTakenIn(Session session, ArrayNode batch) {
        JsonNode last = null;
        for (JsonNode m : batch) {
            last = "track".equals(m.path("type").asText()) ? m : last;
        }
        if (last == null) {
            return true;
        }
        Map.Entry<String, String> id = identifier(session);
        String event = last.path("event").asText();
        Instant at = Instant.parse(last.path("timestamp").asText());
        String auth = "Bearer " + settings.readToken();
        long deadline = System.nanoTime() + SETTLE.toNanos();
        try {
            do {
                JsonNode identity = get(settings.identityService().resolve("/v1/identities/" + id.getKey() + "/"
                        + id.getValue()), auth);
                JsonNode state = identity == null
                        ? null
                        : get(settings.journeyService().resolve("/v1/profiles/"
                                + identity.path("profileId").asText() + "/state"), auth);
                if (state != null) {
                    for (JsonNode t : state.path("lastTouchpoints")) {
                        // The collector's skew correction may move the time by the request's transit, not more.
                        if (session.channel().equals(t.path("channel").asText()) && event.equals(t.path("event")
                                .asText())
                                && Duration.between(at, Instant.parse(t.path("at").asText())).abs()
                                        .compareTo(Duration.ofSeconds(2)) < 0) {
                            return true;
                        }
                    }
                }
                Thread.sleep(50);
            } while (System.nanoTime() < deadline);
        } catch (IOException | RuntimeException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** The identifier the session's channel knows the customer by, as its decisions name them. */
    private static Map.Entry<String, String> identifier(Session session) {
        Customer c = session.customer();
        return switch (session.channel()) {
            case "web" -> Map.entry("anonymous_id", c.webAnonymousId());
            case "app" -> Map.entry("anonymous_id", c.appAnonymousId());
            default -> Map.entry("user_id", c.userId());
        };
    }

    /** A GET's JSON body when it answers 200, else null. */
    private JsonNode get(URI uri, String authorization) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Authorization", authorization).GET().build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
    }

    private void decide(Session session, String placement) {
        Customer c = session.customer();
        ObjectNode request = JSON.createObjectNode();
        Map.Entry<String, String> id = identifier(session);
        request.putObject("identifiers").put(id.getKey(), id.getValue());
        request.put("channel", session.channel()).put("placement", placement).put("limit", 3);
        String auth = "Bearer " + settings.decisionToken();
        HttpResponse<String> r = post(settings.decisionService().resolve("/v1/decisions"), auth, request, "decision");
        if (r == null || r.statusCode() != 200) {
            return;
        }
        stats.decisions.increment();
        JsonNode decision;
        try {
            decision = JSON.readTree(r.body());
        } catch (IOException e) {
            Stats.count(stats.failures, "decision unreadable");
            return;
        }
        decision.path("suppressed").forEach(s -> Stats.count(stats.suppressed, s.path("reason").asText()));
        JsonNode top = decision.path("actions").path(0);
        if (top.isMissingNode()) {
            return;
        }
        String actionId = top.path("actionId").asText();
        Stats.count(stats.shown, actionId);
        // The answer is drawn from the customer's own seeded stream: the same run answers the same way.
        Random answers = new Random(mix(mix(settings.seed(), c.number()), session.at().toMillis()));
        String outcome = answers.nextDouble() < c.persona().clickChance(actionId)
                ? (answers.nextDouble() < 0.5 ? "accepted" : "clicked")
                : (answers.nextDouble() < 0.5 ? "dismissed" : null);
        if (outcome != null && report(decision, actionId, outcome, auth) && "accepted".equals(outcome)
                && answers.nextDouble() < CONVERSION_AFTER_ACCEPT) {
            // Some accepted offers go through to the end (the purchase, the fixed activation): the experiment's goal.
            report(decision, actionId, "converted", auth);
        }
    }

    /** Reports an outcome of a decision's action; true when the decision-service took it. */
    private boolean report(JsonNode decision, String actionId, String outcome, String auth) {
        ObjectNode body = JSON.createObjectNode().put("actionId", actionId).put("outcome", outcome);
        URI uri = settings.decisionService().resolve("/v1/decisions/" + decision.path("decisionId").asText()
                + "/outcomes");
        HttpResponse<String> o = post(uri, auth, body, "outcome");
        if (o != null && o.statusCode() == 202) {
            Stats.count(stats.outcomes, outcome);
            return true;
        }
        return false;
    }

    /**
     * A well-spread seed for stream {@code n} of a run (SplitMix64's finaliser): {@link Random}'s first draws from
     * neighbouring seeds are nearly equal, which would give neighbouring customers the same persona.
     */
    static long mix(long seed, long n) {
        long z = seed + (n + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private HttpResponse<String> post(URI uri, String authorization, JsonNode body, String what) {
        try {
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .header("Authorization", authorization).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            int expected = "outcome".equals(what) ? 202 : 200;
            if (r.statusCode() != expected) {
                Stats.count(stats.failures, what + " " + r.statusCode());
                if (stats.failures.get(what + " " + r.statusCode()).sum() == 1) {
                    System.err.println("simulator: " + what + " answered " + r.statusCode() + ": " + r.body());
                }
            }
            return r;
        } catch (IOException e) {
            Stats.count(stats.failures, what + " unreachable");
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
