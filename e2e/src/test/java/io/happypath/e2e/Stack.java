package io.happypath.e2e;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.happypath.devstack.JwtKeys;
import io.happypath.devstack.Tokens;
import io.happypath.devstack.demo.DemoDefinitions;

/**
 * The platform as the launcher runs it: a Kafka broker and the five packaged services as separate processes, against
 * the machine's PostgreSQL and Redis. The e2e tests share one stack per test JVM, with its own state directory, its own
 * database ({@value #DATABASE}) and Redis database ({@value #REDIS_DB}), so they never touch a developer's local stack
 * data. The first {@link #up()} of a JVM starts from nothing (broker data, database and Redis database wiped); the
 * stack is stopped when the JVM exits.
 */
final class Stack {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path STATE = Path.of("target", "happypath-state").toAbsolutePath();
    static final String DATABASE = "happypath_e2e";
    static final int REDIS_DB = 1;
    static final int KAFKA_PORT = 9092;
    static final String BOOTSTRAP = "127.0.0.1:" + KAFKA_PORT;
    static final Map<String, Integer> SERVICES = Map.of("event-collector", 8081, "identity-service", 8082,
            "journey-state-service", 8083, "decision-service", 8084, "analytics-service", 8085);
    static final URI COLLECTOR = URI.create("http://127.0.0.1:8081");
    static final URI IDENTITY = URI.create("http://127.0.0.1:8082");
    static final URI JOURNEYS = URI.create("http://127.0.0.1:8083");
    static final URI DECISIONS = URI.create("http://127.0.0.1:8084");
    static final URI ANALYTICS = URI.create("http://127.0.0.1:8085");

    record Result(int exitCode, String output) {
    }

    private static boolean wiped;

    private Stack() {
    }

    /** Starts whatever of the stack is not running (the first call of a JVM starts from a clean slate). */
    static synchronized void up() throws IOException, InterruptedException {
        cleanSlate();
        Result up = launcher("up");
        if (up.exitCode() != 0) {
            throw new IllegalStateException("./happypath up failed:\n" + up.output());
        }
    }

    /** {@link #up()}, then the demo's journeys, actions, policies and experiment (installing them again is harmless). */
    static void upWithDemoDefinitions() throws IOException, InterruptedException {
        up();
        DemoDefinitions.install(JOURNEYS, DECISIONS, token("admin"));
    }

    /**
     * Once per JVM: stops a stack an earlier run left behind and wipes its data; the stack is stopped again when the
     * JVM exits.
     */
    static synchronized void cleanSlate() throws IOException, InterruptedException {
        if (wiped) {
            return;
        }
        launcher("down");
        wipe();
        wiped = true;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                launcher("down");
            } catch (Exception e) {
                System.err.println("stopping the e2e stack failed: " + e);
            }
        }));
    }

    /** A token for a role, signed with the stack's key pair. */
    static String token(String role) {
        return Tokens.issue(JwtKeys.ensureKeyPair(STATE.resolve("jwt")).privateKey(), role, Duration.ofHours(1));
    }

    /** The process id of a running service, from the launcher's records. */
    static long pid(String component) throws IOException {
        return Long.parseLong(Files.readString(STATE.resolve("pids").resolve(component + ".pid")).strip());
    }

    /** Runs {@code ./happypath ARGS} against the e2e state, database and Redis database. */
    static Result launcher(String... args) throws IOException, InterruptedException {
        List<String> command = Stream.concat(Stream.of(ROOT.resolve("happypath").toString()), Stream.of(args)).toList();
        Files.createDirectories(STATE.getParent());
        Path out = Files.createTempFile(STATE.getParent(), "happypath-", ".out");
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("HAPPYPATH_STATE", STATE.toString());
        builder.environment().put("HAPPYPATH_DB", DATABASE);
        builder.environment().put("HAPPYPATH_REDIS_DB", Integer.toString(REDIS_DB));
        Process process = builder.start();
        if (!process.waitFor(6, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("./happypath " + String.join(" ", args) + " did not finish in 6 minutes: "
                    + Files.readString(out));
        }
        return new Result(process.exitValue(), Files.readString(out));
    }

    /** Broker data, logs and pid files, the e2e database and the e2e Redis database: gone. */
    private static void wipe() throws IOException, InterruptedException {
        if (Files.isDirectory(STATE)) {
            try (Stream<Path> files = Files.walk(STATE)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
        run("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc",
                "DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
        run("redis-cli", "-h", "127.0.0.1", "-n", Integer.toString(REDIS_DB), "FLUSHDB");
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(1, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }
}
