package io.happypath.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokensTest {

    @TempDir
    Path dir;

    @Test
    void createsAnOwnerOnlyKeyPairOnceAndReusesIt() throws Exception {
        JwtKeys keys = JwtKeys.ensureKeyPair(dir.resolve("jwt"));

        assertThat(keys.privateKeyPem()).isEqualTo(dir.resolve("jwt/privateKey.pem"));
        assertThat(keys.publicKeyPem()).isEqualTo(dir.resolve("jwt/publicKey.pem"));
        assertThat(Files.readString(keys.privateKeyPem())).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(Files.readString(keys.publicKeyPem())).startsWith("-----BEGIN PUBLIC KEY-----\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.privateKeyPem()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.publicKeyPem()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("jwt")))).isEqualTo("rwx------");
        assertThat(keys.privateKey().getAlgorithm()).isEqualTo("RSA");

        String privateKey = Files.readString(keys.privateKeyPem());
        assertThat(JwtKeys.ensureKeyPair(dir.resolve("jwt"))).isEqualTo(keys);
        assertThat(Files.readString(keys.privateKeyPem())).as("existing keys are kept").isEqualTo(privateKey);
    }

    @Test
    void replacesAnIncompletePair() throws Exception {
        JwtKeys keys = JwtKeys.ensureKeyPair(dir);
        Files.delete(keys.privateKeyPem());

        JwtKeys.ensureKeyPair(dir);

        String token = Tokens.issue(keys.privateKeyPem(), "admin", Duration.ofMinutes(1));
        assertThat(verify(token, keys.publicKey()).getStringListClaimValue("groups")).containsExactly("admin");
    }

    @Test
    void issuesATokenTheServicesAccept() throws Exception {
        JwtKeys keys = JwtKeys.ensureKeyPair(dir);

        String token = Tokens.issue(keys.privateKeyPem(), "decision-client", Duration.ofHours(12));

        JwtClaims claims = verify(token, keys.publicKey());
        assertThat(claims.getIssuer()).isEqualTo("happypath-local");
        assertThat(claims.getSubject()).isEqualTo("local-decision-client");
        assertThat(claims.getStringClaimValue("upn")).isEqualTo("local-decision-client");
        assertThat(claims.getStringListClaimValue("groups")).containsExactly("decision-client");
        assertThat(claims.getJwtId()).isNotBlank();
        long lifetime = claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue();
        assertThat(lifetime).isEqualTo(Duration.ofHours(12).toSeconds());
    }

    @Test
    void issuesTokensForEveryRole() {
        JwtKeys keys = JwtKeys.ensureKeyPair(dir);
        for (String role : List.of("admin", "analyst", "decision-client")) {
            assertThat(Tokens.issue(keys.privateKey(), role, Duration.ofMinutes(5))).isNotBlank();
        }
    }

    @Test
    void rejectsATokenSignedWithAnotherKey() {
        JwtKeys ours = JwtKeys.ensureKeyPair(dir.resolve("ours"));
        JwtKeys theirs = JwtKeys.ensureKeyPair(dir.resolve("theirs"));

        String token = Tokens.issue(theirs.privateKey(), "admin", Duration.ofMinutes(5));

        assertThatThrownBy(() -> verify(token, ours.publicKey())).isInstanceOf(InvalidJwtException.class);
    }

    @Test
    void rejectsUnknownRolesNamingTheValidOnes() {
        JwtKeys keys = JwtKeys.ensureKeyPair(dir);

        for (String role : new String[]{"root", "Admin", "", null}) {
            assertThatThrownBy(() -> Tokens.issue(keys.privateKeyPem(), role, Duration.ofMinutes(5)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Unknown role '" + role + "'; valid roles: admin, analyst, decision-client");
        }
    }

    @Test
    void rejectsANonPositiveLifetime() {
        JwtKeys keys = JwtKeys.ensureKeyPair(dir);

        assertThatThrownBy(() -> Tokens.issue(keys.privateKey(), "admin", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Tokens.issue(keys.privateKey(), "admin", Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsAFileThatIsNoKey() throws Exception {
        Path notAKey = Files.writeString(dir.resolve("privateKey.pem"), "hello");

        assertThatThrownBy(() -> JwtKeys.loadPrivateKey(notAKey))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("BEGIN PRIVATE KEY");
    }

    @Test
    void tokenMainPrintsATwelveHourToken() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = TokenMain.run(new String[]{dir.resolve("jwt").toString(), "analyst"}, print(out), print(err));

        assertThat(status).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        String token = out.toString(StandardCharsets.UTF_8).strip();
        JwtClaims claims = verify(token, JwtKeys.loadPublicKey(dir.resolve("jwt/publicKey.pem")));
        assertThat(claims.getStringListClaimValue("groups")).containsExactly("analyst");
        long lifetime = claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue();
        assertThat(lifetime).isEqualTo(Duration.ofHours(12).toSeconds());
    }

    @Test
    void tokenMainTakesALifetimeInHours() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int status = TokenMain.run(new String[]{dir.resolve("jwt").toString(), "analyst", "720"}, print(out),
                print(new ByteArrayOutputStream()));

        assertThat(status).isZero();
        JwtClaims claims = verify(out.toString(StandardCharsets.UTF_8).strip(),
                JwtKeys.loadPublicKey(dir.resolve("jwt/publicKey.pem")));
        long lifetime = claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue();
        assertThat(lifetime).isEqualTo(Duration.ofHours(720).toSeconds());
    }

    @Test
    void tokenMainRejectsLifetimesThatAreNoPositiveHours() {
        for (String hours : List.of("0", "-3", "12h", "")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();

            int status = TokenMain.run(new String[]{dir.toString(), "analyst", hours}, print(out), print(err));

            assertThat(status).isEqualTo(2);
            assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("positive whole number of hours");
        }
        assertThat(dir.resolve("privateKey.pem")).as("no keys for a refused request").doesNotExist();
    }

    @Test
    void tokenMainRejectsUnknownRolesAndWrongArguments() {
        for (String[] args : List.of(new String[]{dir.toString(), "root"}, new String[]{dir.toString()},
                new String[0], new String[]{dir.toString(), "analyst", "1", "extra"})) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();

            int status = TokenMain.run(args, print(out), print(err));

            assertThat(status).isEqualTo(2);
            assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("admin, analyst, decision-client");
        }
        assertThat(dir.resolve("privateKey.pem")).as("no keys for a refused request").doesNotExist();
    }

    static JwtClaims verify(String token, PublicKey publicKey) throws InvalidJwtException {
        JwtConsumer consumer = new JwtConsumerBuilder()
                .setVerificationKey(publicKey)
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256)
                .setExpectedIssuer("happypath-local")
                .setRequireExpirationTime()
                .setRequireIssuedAt()
                .setRequireSubject()
                .build();
        return consumer.processToClaims(token);
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
