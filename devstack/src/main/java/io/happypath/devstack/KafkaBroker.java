package io.happypath.devstack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;

/**
 * A real single-node Apache Kafka broker running in this JVM, in KRaft combined mode (one process is both broker and
 * controller), listening on 127.0.0.1 only.
 *
 * <p>
 * It is the broker of the local development stack ({@link KafkaBrokerMain}) and of the services' tests
 * ({@link KafkaBrokerResource}): a broker from the same jars as production Kafka, so tests exercise the real protocol,
 * partitioning, consumer groups and transactions, without Docker.
 *
 * <p>
 * Settings suit one node: replication factor and min ISR 1 for the internal topics, automatic topic creation on, 3
 * partitions per topic by default, no initial rebalance delay.
 */
public final class KafkaBroker implements AutoCloseable {

    /** The listener clients use. */
    public static final String CLIENT_LISTENER = "PLAINTEXT";
    /** The KRaft controller listener, on its own port. */
    public static final String CONTROLLER_LISTENER = "CONTROLLER";
    /** The default number of partitions of a topic created automatically. */
    public static final int DEFAULT_PARTITIONS = 3;

    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final String META_PROPERTIES = "meta.properties";
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path dataDir;
    private final boolean ownsDataDir;
    private boolean closed;

    private KafkaBroker(KafkaRaftServer server, String bootstrapServers, Path dataDir, boolean ownsDataDir) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
    }

    /**
     * Starts a broker on a free port with a temporary data directory that {@link #close()} deletes.
     */
    public static KafkaBroker start() {
        return start(0, null);
    }

    /**
     * Starts a broker and returns once it accepts clients.
     *
     * @param port the client (PLAINTEXT) port on 127.0.0.1; 0 picks a free one
     * @param dataDir the log directory, formatted on first use and reused as it is afterwards (topics and committed
     *        offsets survive a restart); {@code null} for a temporary directory that {@link #close()} deletes
     * @throws IllegalStateException if the broker cannot start, for example because the port is taken or another
     *         broker uses the data directory
     * @throws UncheckedIOException if the data directory cannot be created
     */
    public static KafkaBroker start(int port, Path dataDir) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("Port must be between 0 and 65535, was " + port);
        }
        // Before anything touches the disk: a taken port must not leave a stray data directory behind.
        int[] ports = freePorts(port);
        boolean ownsDataDir = dataDir == null;
        Path dir;
        try {
            dir = ownsDataDir ? Files.createTempDirectory("happypath-kafka-") : Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the Kafka data directory " + dataDir + ": " + e.getMessage(), e);
        }
        dir = dir.toAbsolutePath();
        try {
            Map<String, String> props = brokerProperties(ports[0], ports[1], dir);
            format(props, dir);
            KafkaConfig config = new KafkaConfig(props, false);
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            try {
                // Returns once the broker is registered and unfenced, that is once it serves clients.
                server.startup();
            } catch (RuntimeException e) {
                shutdownQuietly(server);
                throw e;
            }
            return new KafkaBroker(server, HOST + ":" + ports[0], dir, ownsDataDir);
        } catch (RuntimeException e) {
            if (ownsDataDir) {
                deleteRecursively(dir);
            }
            throw new IllegalStateException("Kafka broker did not start (data directory " + dir + "): " + e.getMessage(), e);
        }
    }

    /** The {@code bootstrap.servers} value for clients, e.g. {@code 127.0.0.1:9092}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The log directory of this broker. */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * Creates the topics that do not exist yet, each with {@code partitions} partitions and replication factor 1;
     * existing topics are left as they are.
     *
     * @throws IllegalStateException if the broker refuses or does not answer within 30 s
     */
    public void createTopics(Collection<String> names, int partitions) {
        Objects.requireNonNull(names, "names");
        if (partitions < 1) {
            throw new IllegalArgumentException("A topic needs at least one partition, was " + partitions);
        }
        if (names.isEmpty()) {
            return;
        }
        List<NewTopic> topics = names.stream().distinct().map(name -> new NewTopic(name, partitions, (short) 1)).toList();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "happypath-devstack-admin"))) {
            CreateTopicsResult result = admin.createTopics(topics);
            for (Map.Entry<String, KafkaFuture<Void>> created : result.values().entrySet()) {
                try {
                    created.getValue().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Cannot create topic " + created.getKey() + ": "
                                + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics " + names, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Timed out creating topics " + names, e);
        }
    }

    /**
     * Shuts the broker down and waits until it has stopped; deletes the data directory if the broker created it. Calling
     * it again does nothing.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            if (ownsDataDir) {
                deleteRecursively(dataDir);
            }
        }
    }

    @Override
    public String toString() {
        return "KafkaBroker[" + bootstrapServers + ", " + dataDir + "]";
    }

    private static Map<String, String> brokerProperties(int clientPort, int controllerPort, Path dir) {
        Map<String, String> props = new HashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(NODE_ID));
        // A static voter set: the quorum of a single node never changes, and it needs no --standalone format step.
        props.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("inter.broker.listener.name", CLIENT_LISTENER);
        props.put("listeners", CLIENT_LISTENER + "://" + HOST + ":" + clientPort + ","
                + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        props.put("advertised.listeners", CLIENT_LISTENER + "://" + HOST + ":" + clientPort);
        props.put("listener.security.protocol.map", CLIENT_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("log.dirs", dir.toString());

        // One node: internal topics cannot have more than one replica.
        props.put("offsets.topic.replication.factor", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        // With the default 50 partitions the first consumer group or transaction waits for 50 logs to be created and
        // loaded; Kafka's own test brokers use 5.
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.num.partitions", "5");
        props.put("share.coordinator.state.topic.num.partitions", "5");

        props.put("auto.create.topics.enable", "true");
        props.put("num.partitions", String.valueOf(DEFAULT_PARTITIONS));
        // Consumers of a test join at once instead of after the 3 s production delay.
        props.put("group.initial.rebalance.delay.ms", "0");
        // The log cleaner allocates its 128 MiB default buffer at start-up: too much inside a test JVM. Kafka's own test
        // brokers use 2 MiB.
        props.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        // A laptop or a 2-core CI machine: the production thread counts only add start-up time and idle threads.
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "2");
        props.put("num.recovery.threads.per.data.dir", "1");
        props.put("background.threads", "2");
        return props;
    }

    /**
     * Formats {@code dir} as {@code kafka-storage format} would, unless it already is: a formatted directory keeps its
     * cluster id, topics and offsets. The tool reads broker settings from a file only, so they go to a short-lived one.
     */
    private static void format(Map<String, String> brokerProperties, Path dir) {
        if (Files.exists(dir.resolve(META_PROPERTIES))) {
            return;
        }
        Properties props = new Properties();
        props.putAll(brokerProperties);
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Path configFile = null;
        try {
            configFile = Files.createTempFile("happypath-kafka-format-", ".properties");
            try (Writer writer = Files.newBufferedWriter(configFile)) {
                props.store(writer, null);
            }
            int exit = StorageTool.execute(new String[]{
                    "format",
                    "--config", configFile.toString(),
                    "--cluster-id", Uuid.randomUuid().toString()}, new PrintStream(output, true, StandardCharsets.UTF_8));
            if (exit != 0) {
                throw new IllegalStateException(
                        "kafka-storage format exited with " + exit + ": " + output.toString(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot format Kafka storage in " + dir, e);
        } finally {
            if (configFile != null) {
                try {
                    Files.deleteIfExists(configFile);
                } catch (IOException ignored) {
                    // A temporary file with no secret in it.
                }
            }
        }
    }

    /**
     * The client port (the requested one, or a free one for 0) and a free controller port. The probe sockets stay open
     * until both ports are chosen so that the two differ. Probing a requested port turns "address in use" into a clear
     * message before anything is formatted; another process may still take a port before the broker binds it, which
     * start-up then reports.
     */
    private static int[] freePorts(int clientPort) {
        InetAddress loopback;
        try {
            loopback = InetAddress.getByName(HOST);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServerSocket client;
        try {
            client = new ServerSocket(clientPort, 1, loopback);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Port " + clientPort + " on " + HOST + " is not free for the Kafka broker: " + e.getMessage(), e);
        }
        try (client; ServerSocket controller = new ServerSocket(0, 1, loopback)) {
            return new int[]{client.getLocalPort(), controller.getLocalPort()};
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free port on " + HOST, e);
        }
    }

    private static void shutdownQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException suppressed) {
            // The start-up failure is the one worth reporting.
        }
    }

    static void deleteRecursively(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + root, e);
        }
    }
}
