package io.happypath.devstack;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;

import io.happypath.contracts.Topics;

/**
 * The local Kafka broker as a process of its own, for the launcher ({@code ./happypath up}):
 *
 * <pre>
 * java -cp target/happypath-devstack-*.jar:$(cat target/classpath.txt) io.happypath.devstack.KafkaBrokerMain \
 *     --port 9092 --data-dir .happypath/kafka [--log-level WARN]
 * </pre>
 *
 * <p>
 * Formats the data directory on first use, starts the broker, creates every topic of {@link Topics#ALL} and then prints
 * {@code KAFKA READY 127.0.0.1:<port>} on stdout. Runs until SIGTERM or SIGINT, on which it shuts the broker down cleanly
 * so that the next start finds consistent logs. Logs go to stderr, Kafka's at WARN unless {@code --log-level} says
 * otherwise.
 *
 * <p>
 * Exit status: 1 if the broker cannot start (port taken, unreadable data directory), 2 for wrong arguments.
 */
public final class KafkaBrokerMain {

    /** The line prefix the launcher waits for on stdout. */
    public static final String READY_PREFIX = "KAFKA READY ";

    static final int DEFAULT_PORT = 9092;
    static final String DEFAULT_DATA_DIR = ".happypath/kafka";

    private static final String USAGE = "Usage: KafkaBrokerMain [--port " + DEFAULT_PORT + "] [--data-dir "
            + DEFAULT_DATA_DIR + "] [--log-level OFF|ERROR|WARN|INFO|DEBUG|TRACE]";

    private KafkaBrokerMain() {
    }

    /** Runs the broker until the JVM is told to stop. */
    public static void main(String[] args) throws InterruptedException {
        BrokerLogging.useJBossLogManager();
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(USAGE);
            return;
        }
        BrokerLogging.logToConsole(options.logLevel());

        AtomicReference<KafkaBroker> running = new AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            KafkaBroker broker = running.getAndSet(null);
            if (broker != null) {
                broker.close();
            }
            stopped.countDown();
        }, "happypath-kafka-shutdown"));

        KafkaBroker broker;
        try {
            broker = KafkaBroker.start(options.port(), options.dataDir());
            running.set(broker);
            broker.createTopics(Topics.ALL, KafkaBroker.DEFAULT_PARTITIONS);
        } catch (RuntimeException e) {
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        }
        PrintStream out = System.out;
        out.println(READY_PREFIX + broker.bootstrapServers());
        out.flush();
        // Kafka's threads would keep the JVM alive anyway; waiting here makes "runs until stopped" explicit.
        stopped.await();
    }

    record Options(int port, Path dataDir, Level logLevel, boolean help) {

        static Options parse(String[] args) {
            int port = DEFAULT_PORT;
            Path dataDir = Path.of(DEFAULT_DATA_DIR);
            Level logLevel = org.jboss.logmanager.Level.WARN;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--port" -> port = parsePort(value(args, ++i, arg));
                    case "--data-dir" -> dataDir = Path.of(value(args, ++i, arg));
                    case "--log-level" -> logLevel = parseLevel(value(args, ++i, arg));
                    case "-h", "--help" -> {
                        return new Options(port, dataDir, logLevel, true);
                    }
                    default -> throw new IllegalArgumentException("Unknown argument: " + arg);
                }
            }
            return new Options(port, dataDir, logLevel, false);
        }

        private static String value(String[] args, int index, String option) {
            if (index >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[index];
        }

        private static int parsePort(String value) {
            try {
                int port = Integer.parseInt(value);
                if (port >= 0 && port <= 65535) {
                    return port;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("--port must be a number from 0 to 65535, was: " + value);
        }

        private static Level parseLevel(String value) {
            return switch (value.toUpperCase(Locale.ROOT)) {
                case "OFF" -> Level.OFF;
                case "ERROR" -> org.jboss.logmanager.Level.ERROR;
                case "WARN", "WARNING" -> org.jboss.logmanager.Level.WARN;
                case "INFO" -> org.jboss.logmanager.Level.INFO;
                case "DEBUG" -> org.jboss.logmanager.Level.DEBUG;
                case "TRACE" -> org.jboss.logmanager.Level.TRACE;
                case "ALL" -> Level.ALL;
                default -> throw new IllegalArgumentException(
                        "--log-level must be one of OFF, ERROR, WARN, INFO, DEBUG, TRACE, ALL; was: " + value);
            };
        }
    }
}
