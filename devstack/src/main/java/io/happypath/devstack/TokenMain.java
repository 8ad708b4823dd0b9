package io.happypath.devstack;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Prints a local bearer token, for {@code ./happypath token ROLE}:
 *
 * <pre>
 * java -cp target/happypath-devstack-*.jar:$(cat target/classpath.txt) io.happypath.devstack.TokenMain .happypath/jwt analyst
 * </pre>
 *
 * <p>
 * Creates the key pair in the directory on first use ({@link JwtKeys#ensureKeyPair(Path)}) and prints a token valid for
 * {@value #TTL_HOURS} hours, alone on one line of stdout. Exit status 2, with the reason on stderr, for a missing
 * argument or an unknown role.
 */
public final class TokenMain {

    static final int TTL_HOURS = 12;

    private static final String USAGE = "Usage: TokenMain <key-dir> <role>   (roles: " + String.join(", ", Tokens.ROLES)
            + ")";

    private TokenMain() {
    }

    /** Prints a token and exits with the status of {@link #run(String[], PrintStream, PrintStream)}. */
    public static void main(String[] args) {
        BrokerLogging.useJBossLogManager();
        int status = run(args, System.out, System.err);
        System.out.flush();
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Does the work of {@link #main(String[])}; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length != 2) {
            err.println(USAGE);
            return 2;
        }
        String role = args[1];
        try {
            Tokens.checkRole(role);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        JwtKeys keys = JwtKeys.ensureKeyPair(Path.of(args[0]));
        out.println(Tokens.issue(keys.privateKey(), role, Duration.ofHours(TTL_HOURS)));
        return 0;
    }
}
