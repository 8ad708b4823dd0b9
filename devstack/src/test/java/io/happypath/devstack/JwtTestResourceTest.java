package io.happypath.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JwtTestResourceTest {

    @Test
    void configuresTheServiceToAcceptItsTokens() throws Exception {
        Map<String, String> config = new JwtTestResource().start();

        assertThat(config)
                .containsOnlyKeys("mp.jwt.verify.publickey.location", "mp.jwt.verify.issuer", "mp.jwt.verify.publickey")
                .containsEntry("mp.jwt.verify.issuer", "happypath-local")
                // Overrides the inline key Quarkus generates in test mode, which smallrye-jwt would prefer.
                .containsEntry("mp.jwt.verify.publickey", "NONE");
        Path publicKey = Path.of(config.get("mp.jwt.verify.publickey.location"));
        assertThat(publicKey).isAbsolute().exists().hasFileName("publicKey.pem");

        String token = JwtTestResource.token("admin");

        var claims = TokensTest.verify(token, JwtKeys.loadPublicKey(publicKey));
        assertThat(claims.getStringListClaimValue("groups")).containsExactly("admin");
        long lifetime = claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue();
        assertThat(lifetime).isEqualTo(3600);
    }

    @Test
    void usesOneKeyPairPerJvm() {
        assertThat(new JwtTestResource().start()).isEqualTo(new JwtTestResource().start());
    }

    @Test
    void rejectsUnknownRoles() {
        assertThatThrownBy(() -> JwtTestResource.token("superuser"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("valid roles: admin, analyst, decision-client");
    }
}
