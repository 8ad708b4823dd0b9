package io.happypath.devstack.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.happypath.contracts.Json;

/**
 * Writes one customer's behaviour as sessions: {@code session("web").page("Home").track("Product Viewed", ...)}, then
 * {@code waitFor(...)} before the next session. Each channel identifies the customer the way it really can: the web
 * site and the app only by their anonymous ids until the customer logs in there ({@link #identify}); the store, the call
 * centre and e-mail always by the customer number.
 */
final class Script {

    private static final ObjectMapper JSON = Json.newMapper();

    private final Customer customer;
    private final Random random;
    private final List<Session> sessions = new ArrayList<>();
    private final Set<String> loggedIn = new HashSet<>();
    private Duration clock = Duration.ZERO;
    private int messageNumber;

    private String channel;
    private Duration sessionStart;
    private Duration inSession;
    private List<ObjectNode> messages;
    private List<Duration> offsets;
    private List<String> decisions;

    Script(Customer customer, Random random) {
        this.customer = customer;
        this.random = random;
    }

    /** Starts a session on a channel now. */
    Script session(String newChannel) {
        close();
        channel = newChannel;
        sessionStart = clock;
        inSession = Duration.ZERO;
        messages = new ArrayList<>();
        offsets = new ArrayList<>();
        decisions = new ArrayList<>();
        return this;
    }

    /** Ends the session and lets between {@code min} and {@code max} pass. */
    Script waitFor(Duration min, Duration max) {
        close();
        clock = clock.plus(between(min, max));
        return this;
    }

    /** A {@code track} call; {@code properties} are name, value pairs. */
    Script track(String event, Object... properties) {
        ObjectNode m = message("track");
        m.put("event", event);
        m.set("properties", object(properties));
        return add(m);
    }

    /** A page view on the web, a screen view in the app. */
    Script view(String name, Object... properties) {
        ObjectNode m = message("app".equals(channel) ? "screen" : "page");
        m.put("name", name);
        m.set("properties", object(properties));
        return add(m);
    }

    /** The customer logs in on this channel (or is identified at the till): from now on it knows the customer number. */
    Script identify(Object... traits) {
        loggedIn.add(channel);
        ObjectNode m = message("identify");
        ObjectNode t = object(traits);
        t.put("email", customer.email());
        m.set("traits", t);
        return add(m);
    }

    /** After the session's messages, the channel asks the decision-service what to show in a placement. */
    Script decide(String placement) {
        decisions.add(placement);
        return this;
    }

    /** Runs {@code then} with the given probability. */
    Script maybe(double probability, java.util.function.Consumer<Script> then) {
        if (random.nextDouble() < probability) {
            then.accept(this);
        }
        return this;
    }

    /** The script's sessions; the behaviour spans {@link #length()}. */
    List<Session> sessions() {
        close();
        return List.copyOf(sessions);
    }

    Duration length() {
        return clock;
    }

    Random random() {
        return random;
    }

    Duration between(Duration min, Duration max) {
        long span = max.toMillis() - min.toMillis();
        return min.plusMillis(span <= 0 ? 0 : (long) (random.nextDouble() * span));
    }

    private Script add(ObjectNode m) {
        if (channel == null) {
            throw new IllegalStateException("start a session before sending messages");
        }
        if (!messages.isEmpty()) {
            inSession = inSession.plus(between(Duration.ofSeconds(15), Duration.ofMinutes(3)));
        }
        messages.add(m);
        offsets.add(inSession);
        return this;
    }

    private ObjectNode message(String type) {
        ObjectNode m = JSON.createObjectNode();
        m.put("type", type);
        m.put("messageId", customer.userId() + "-" + messageNumber++);
        switch (channel == null ? "" : channel) {
            case "web" -> m.put("anonymousId", customer.webAnonymousId());
            case "app" -> m.put("anonymousId", customer.appAnonymousId());
            default -> loggedIn.add(channel);
        }
        if (loggedIn.contains(channel) || "identify".equals(type)) {
            m.put("userId", customer.userId());
        }
        return m;
    }

    private static ObjectNode object(Object... pairs) {
        if (pairs.length % 2 != 0) {
            throw new IllegalArgumentException("properties come in name, value pairs");
        }
        ObjectNode o = JSON.createObjectNode();
        for (int i = 0; i < pairs.length; i += 2) {
            o.set((String) pairs[i], JSON.valueToTree(pairs[i + 1]));
        }
        return o;
    }

    private void close() {
        if (channel != null && (!messages.isEmpty() || !decisions.isEmpty())) {
            sessions.add(new Session(customer, sessionStart, channel, List.copyOf(messages), List.copyOf(offsets),
                    List.copyOf(decisions)));
            clock = clock.plus(inSession).plus(Duration.ofMinutes(1));
        }
        channel = null;
    }
}
