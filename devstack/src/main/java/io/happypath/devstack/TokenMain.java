package io.happypath.devstack;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Prints a local bearer token, for {@code ./happypath token ROLE}:
 *
 * <pre>
 * java -cp target/happypath-devstack-*.jar:$(cat target/classpath.txt) io.happypath.devstack.TokenMain .happypath/jwt analyst [hours]
 * </pre>
 *
 * <p>
 * Creates the key pair in the directory on first use ({@link JwtKeys#ensureKeyPair(Path)}) and prints a token valid for
 * {@code hours} (default {@value #TTL_HOURS}), alone on one line of stdout. Exit status 2, with the reason on stderr, for
 * a missing argument, an unknown role or a lifetime that is not a positive number of hours.
 */
public final class TokenMain {

    static final int TTL_HOURS = 12;

    private static final String USAGE = "Usage: TokenMain <key-dir> <role> [hours]   (roles: "
            + String.join(", ", Tokens.ROLES) + "; hours: the lifetime, default " + TTL_HOURS + ")";

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
        if (args.length != 2 && args.length != 3) {
            err.println(USAGE);
            return 2;
        }
        String role = args[1];
        long hours;
        try {
            Tokens.checkRole(role);
            hours = args.length == 3 ? Long.parseLong(args[2]) : TTL_HOURS;
            if (hours <= 0) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            err.println("The lifetime must be a positive whole number of hours, was '" + args[2] + "'. " + USAGE);
            return 2;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        JwtKeys keys = JwtKeys.ensureKeyPair(Path.of(args[0]));
        out.println(Tokens.issue(keys.privateKey(), role, Duration.ofHours(hours)));
        return 0;
    }
}
