package io.happypath.devstack;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/**
 * Issues the bearer tokens of the local stack: RS256-signed JWTs that the services' {@code quarkus-smallrye-jwt}
 * accepts when configured with the matching public key ({@link JwtKeys}) and issuer {@value #ISSUER}.
 *
 * <p>
 * A token for role {@code R} carries {@code iss=happypath-local}, {@code sub} and {@code upn} {@code local-R},
 * {@code groups=[R]} (the claim MicroProfile JWT maps to roles), {@code iat}, {@code exp} and a random {@code jti}.
 */
public final class Tokens {

    /** The {@code iss} of every local token; services verify it with {@code mp.jwt.verify.issuer}. */
    public static final String ISSUER = "happypath-local";

    /** The roles the services know, in the order the launcher lists them. */
    public static final List<String> ROLES = List.of("admin", "analyst", "decision-client");

    private Tokens() {
    }

    /**
     * Signs a token for {@code role} with the PKCS#8 PEM private key at {@code privateKeyPem}.
     *
     * @throws IllegalArgumentException for a role outside {@link #ROLES} or a ttl that is not positive
     */
    public static String issue(Path privateKeyPem, String role, Duration ttl) {
        checkRole(role);
        return issue(JwtKeys.loadPrivateKey(privateKeyPem), role, ttl);
    }

    /**
     * Signs a token for {@code role} with {@code privateKey}, valid for {@code ttl} from now.
     *
     * @throws IllegalArgumentException for a role outside {@link #ROLES} or a ttl that is not positive
     */
    public static String issue(PrivateKey privateKey, String role, Duration ttl) {
        Objects.requireNonNull(privateKey, "privateKey");
        checkRole(role);
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("A token must live for a positive duration, was " + ttl);
        }
        String principal = "local-" + role;
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(ISSUER);
        claims.setSubject(principal);
        claims.setClaim("upn", principal);
        claims.setStringListClaim("groups", role);
        NumericDate now = NumericDate.now();
        claims.setIssuedAt(now);
        claims.setExpirationTime(NumericDate.fromMilliseconds(now.getValueInMillis() + ttl.toMillis()));
        claims.setGeneratedJwtId();

        JsonWebSignature jws = new JsonWebSignature();
        jws.setHeader("typ", "JWT");
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setKey(privateKey);
        jws.setPayload(claims.toJson());
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("Cannot sign a token for role " + role + ": " + e.getMessage(), e);
        }
    }

    /**
     * Rejects roles the services do not know, naming the valid ones.
     *
     * @throws IllegalArgumentException for a role outside {@link #ROLES}
     */
    public static void checkRole(String role) {
        if (role == null || !ROLES.contains(role)) {
            throw new IllegalArgumentException(
                    "Unknown role '" + role + "'; valid roles: " + String.join(", ", ROLES));
        }
    }
}
