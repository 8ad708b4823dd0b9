package io.happypath.decision.cache;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.happypath.decision.config.DecisionConfig;
import io.happypath.decision.domain.AdaptiveModel;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.redis.client.Response;

/**
 * The adaptive models' counts, in Redis so that they survive restarts and are shared by replicas. One hash per
 * action × channel ({@code model:<channel>:<actionId>}), each field counting responses:
 * <ul>
 * <li>{@code pos}, {@code neg}: the model's totals;</li>
 * <li>{@code b|<predictor>|<bin>|pos|neg}: per predictor bin;</li>
 * <li>{@code s|<scoreBin>|pos|neg}: the classifier's score bins.</li>
 * </ul>
 * The set {@code models:<channel>} lists the actions with a model on the channel (for {@code GET /v1/models}). A
 * decision reads the models of the catalogue's actions on its channel in one round trip (a script) and replicas reuse
 * the built models for {@code model.cache-ttl}; after that
 * the old models are still served while one refresh runs in the background, on a worker thread, rebuilding only the
 * models whose counts changed. Learning reads the one model it updates fresh, so that the classifier counts each
 * response under the score the model gives just before learning it, then increments its fields in one atomic
 * script.
 */
@ApplicationScoped
public class ModelCounts {

    private static final Logger LOG = Logger.getLogger(ModelCounts.class);

    /** KEYS: models. Returns the fields of each, in order. */
    private static final String READ_MODELS = """
            local out = {}
            for i, key in ipairs(KEYS) do out[i] = redis.call('HGETALL', key) end
            return out""";

    /** KEYS[1]: the channel's set of actions; ARGV[1]: the model key prefix. Returns id, fields, id, fields, ... */
    private static final String READ_CHANNEL = """
            local out = {}
            for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
              out[#out + 1] = id
              out[#out + 1] = redis.call('HGETALL', ARGV[1] .. id)
            end
            return out""";

    /** KEYS[1]: the model, KEYS[2]: the channel's set; ARGV[1]: the action, ARGV[2..]: fields to increment. */
    private static final String INCREMENT = """
            redis.call('SADD', KEYS[2], ARGV[1])
            for i = 2, #ARGV do redis.call('HINCRBY', KEYS[1], ARGV[i], 1) end
            return #ARGV - 1""";

    /** A model and the counts it was built from, so that a refresh can keep it when they have not changed. */
    private record Built(Map<String, Long> fields, AdaptiveModel model) {
    }

    private record Snapshot(Map<String, Built> built, Map<String, AdaptiveModel> models, long readAtNanos) {
    }

    private final ReactiveRedisDataSource redis;
    private final ReactiveHashCommands<String, String, Long> hashes;
    private final String prefix;
    private final long ttlNanos;
    private final AdaptiveModel.Settings settings;
    private final Map<String, Snapshot> cache = new ConcurrentHashMap<>();
    private final Map<String, Uni<Snapshot>> refreshing = new ConcurrentHashMap<>();

    public ModelCounts(ReactiveRedisDataSource redis, DecisionConfig config) {
        this.redis = redis;
        this.hashes = redis.hash(String.class, String.class, Long.class);
        this.prefix = config.redisPrefix();
        this.ttlNanos = config.model().cacheTtl().toNanos();
        this.settings = new AdaptiveModel.Settings(config.model().minAuc(), config.model().minBinShare(),
                config.model().maxBins());
    }

    /**
     * The models of the catalogue's actions on a channel, read at most {@code model.cache-ttl} ago where possible.
     *
     * @param actionIds the actions offered on the channel, asked for when the models are read
     */
    public Uni<Map<String, AdaptiveModel>> forChannel(String channel, Supplier<Collection<String>> actionIds) {
        Snapshot s = cache.get(channel);
        if (s == null) {
            // The first read of a channel is awaited, and stays on the caller's thread.
            return fields(channel, actionIds.get()).map(f -> remember(channel, build(f, Map.of())).models());
        }
        if (System.nanoTime() - s.readAtNanos() >= ttlNanos) {
            refresh(channel, actionIds, s).subscribe().with(m -> {
            }, e -> LOG.debugf(e, "could not refresh the models of channel %s", channel));
        }
        return Uni.createFrom().item(s.models());
    }

    /** One background refresh at a time per channel; the models are built on a worker thread. */
    private Uni<Snapshot> refresh(String channel, Supplier<Collection<String>> actionIds, Snapshot previous) {
        return refreshing.computeIfAbsent(channel, c -> fields(c, actionIds.get())
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(f -> remember(c, build(f, previous.built())))
                .eventually(() -> {
                    refreshing.remove(c);
                })
                .memoize().indefinitely());
    }

    private Snapshot remember(String channel, Map<String, Built> built) {
        Map<String, AdaptiveModel> models = new HashMap<>(built.size() * 2);
        built.forEach((action, b) -> models.put(action, b.model()));
        Snapshot s = new Snapshot(built, models, System.nanoTime());
        cache.put(channel, s);
        return s;
    }

    private Map<String, Built> build(Map<String, Map<String, Long>> fields, Map<String, Built> previous) {
        Map<String, Built> built = new HashMap<>(fields.size() * 2);
        fields.forEach((action, f) -> {
            Built old = previous.get(action);
            built.put(action, old != null && old.fields().equals(f) ? old : new Built(f, build(f, settings)));
        });
        return built;
    }

    /** The models of every action on a channel, read from Redis now. */
    public Uni<Map<String, AdaptiveModel>> read(String channel) {
        return fields(channel).map(all -> {
            Map<String, AdaptiveModel> models = new HashMap<>(all.size() * 2);
            all.forEach((action, f) -> models.put(action, build(f, settings)));
            return models;
        });
    }

    /** The counts of some actions' models on a channel, by action (those with responses), in one round trip. */
    private Uni<Map<String, Map<String, Long>>> fields(String channel, Collection<String> actionIds) {
        if (actionIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        List<String> ids = List.copyOf(actionIds);
        List<String> args = new ArrayList<>(ids.size() + 2);
        args.add(READ_MODELS);
        args.add(String.valueOf(ids.size()));
        ids.forEach(id -> args.add(modelKey(channel, id)));
        return redis.execute("EVAL", args.toArray(String[]::new)).map(r -> {
            Map<String, Map<String, Long>> all = new HashMap<>();
            for (int i = 0; i < r.size() && i < ids.size(); i++) {
                Map<String, Long> fields = flatFields(r.get(i));
                if (!fields.isEmpty()) {
                    all.put(ids.get(i), fields);
                }
            }
            return all;
        });
    }

    private static Map<String, Long> flatFields(Response flat) {
        Map<String, Long> fields = new HashMap<>(flat.size());
        for (int j = 0; j + 1 < flat.size(); j += 2) {
            fields.put(flat.get(j).toString(), flat.get(j + 1).toLong());
        }
        return fields;
    }

    /** The counts of every model of a channel, by action, in one round trip. */
    private Uni<Map<String, Map<String, Long>>> fields(String channel) {
        return redis.execute("EVAL", READ_CHANNEL, "1", setKey(channel), modelKey(channel, "")).map(r -> {
            Map<String, Map<String, Long>> all = new HashMap<>();
            for (int i = 0; i + 1 < r.size(); i += 2) {
                all.put(r.get(i).toString(), flatFields(r.get(i + 1)));
            }
            return all;
        });
    }

    /** The model of one action on a channel, read from Redis now; empty when it has no responses. */
    public Uni<AdaptiveModel> read(String channel, String actionId) {
        return hashes.hgetall(modelKey(channel, actionId)).map(fields -> build(fields, settings));
    }

    /**
     * Counts one response of an action on a channel: the totals, and when the decision's predictor values are known,
     * their bins and the classifier bin of the score.
     *
     * @param update null when the decision is no longer known: only the totals learn
     */
    public Uni<Void> record(String channel, String actionId, boolean positive, AdaptiveModel.Update update) {
        String kind = positive ? "pos" : "neg";
        List<String> args = new ArrayList<>();
        args.add(INCREMENT);
        args.add("2");
        args.add(modelKey(channel, actionId));
        args.add(setKey(channel));
        args.add(actionId);
        args.add(kind);
        if (update != null) {
            update.bins().forEach((predictor, bin) -> args.add("b|" + predictor + "|" + bin + "|" + kind));
            args.add("s|" + update.scoreBin() + "|" + kind);
        }
        return redis.execute("EVAL", args.toArray(String[]::new)).replaceWithVoid();
    }

    private String modelKey(String channel, String actionId) {
        return prefix + "model:" + channel + ":" + actionId;
    }

    private String setKey(String channel) {
        return prefix + "models:" + channel;
    }

    /** Builds a model from its hash; fields that do not follow the layout are skipped. */
    static AdaptiveModel build(Map<String, Long> fields, AdaptiveModel.Settings settings) {
        AdaptiveModel.DataBuilder b = new AdaptiveModel.DataBuilder();
        fields.forEach((field, value) -> {
            if (value == null) {
                return;
            }
            String[] parts = field.split("\\|", -1);
            String last = parts[parts.length - 1];
            boolean positive = "pos".equals(last);
            if (!positive && !"neg".equals(last)) {
                return;
            }
            if (parts.length == 1) {
                b.total(positive, value);
            } else if (parts.length == 4 && "b".equals(parts[0])) {
                b.bin(parts[1], parts[2], positive, value);
            } else if (parts.length == 3 && "s".equals(parts[0])) {
                try {
                    b.score(Integer.parseInt(parts[1]), positive, value);
                } catch (NumberFormatException e) {
                    LOG.debugf("skipping model field %s", field);
                }
            }
        });
        return AdaptiveModel.build(b.build(), settings);
    }
}
