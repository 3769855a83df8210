package org.aiod.backup.api;

import static org.aiod.backup.testing.DeploymentFiles.composeEnvironment;
import static org.aiod.backup.testing.DeploymentFiles.elements;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.elytron.security.properties.runtime.MPRealmRuntimeConfig;
import io.quarkus.runtime.LaunchMode;
import io.smallrye.config.SmallRyeConfig;

import org.aiod.backup.testing.DeploymentFiles;
import org.junit.jupiter.api.Test;

/**
 * The credentials docker-compose.yml and the Kubernetes manifest give the service are ones the production guard
 * accepts: an embedded HTTP Basic user, found in the environment, with a role of {@link Roles}. Without them the guard
 * refuses to start, as it should.
 */
class DeploymentCredentialsTest {

    private static final String HASH = "ab".repeat(64);

    @Test
    void composeDefinesAnAdminTheGuardAccepts() {
        JsonNode service = DeploymentFiles.yaml(DeploymentFiles.COMPOSE).path("services").path("aiod-backup");
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, String> dotEnv = Map.of("AMQP_PASSWORD", "pw", "BACKUP_ADMIN_SHA512", HASH);
        composeEnvironment(service).forEach((k, v) -> env.put(k, DeploymentFiles.interpolate(v, dotEnv)));
        assertAccepted(env);
    }

    @Test
    void kubernetesDefinesAnAdminTheGuardAccepts() {
        JsonNode deployment = DeploymentFiles.kubernetesObjects("Deployment").stream()
                .filter(d -> "aiod-backup".equals(d.path("metadata").path("name").asText())).findFirst().orElseThrow();
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode var : elements(deployment.path("spec").path("template").path("spec").path("containers").path(0)
                .path("env"))) {
            env.put(var.path("name").asText(), var.has("value") ? var.path("value").asText() : HASH);
        }
        assertAccepted(env);
    }

    @Test
    void withoutThoseVariablesTheGuardRefuses() {
        assertTrue(CredentialsGuard.refusal(LaunchMode.NORMAL, settings(Map.of())).isPresent());
    }

    private static void assertAccepted(Map<String, String> env) {
        CredentialsGuard.AuthSettings settings = settings(env);
        assertEquals(java.util.Set.of("admin"), settings.embeddedUsers());
        assertEquals(Optional.empty(), CredentialsGuard.refusal(LaunchMode.NORMAL, settings));
        MPRealmRuntimeConfig realm = config(env).getConfigMapping(MPRealmRuntimeConfig.class);
        assertEquals(HASH, realm.users().get("admin"));
        assertEquals(Roles.ADMIN, realm.roles().get("admin"));
        assertTrue(!realm.plainText(), "the password is given hashed");
    }

    /** What {@link CredentialsGuard} reads, from application.properties (profile prod) and {@code env}. */
    private static CredentialsGuard.AuthSettings settings(Map<String, String> env) {
        SmallRyeConfig config = config(env);
        MPRealmRuntimeConfig realm = config.getConfigMapping(MPRealmRuntimeConfig.class);
        return new CredentialsGuard.AuthSettings(
                config.getOptionalValue("quarkus.oidc.tenant-enabled", Boolean.class).orElse(true),
                config.getOptionalValue("quarkus.oidc.auth-server-url", String.class),
                config.getOptionalValue("quarkus.http.auth.basic", Boolean.class).orElse(false),
                config.getOptionalValue("quarkus.security.users.embedded.enabled", Boolean.class).orElse(false),
                realm.users().keySet());
    }

    private static SmallRyeConfig config(Map<String, String> env) {
        return DeploymentFiles.config(env, MPRealmRuntimeConfig.class);
    }
}
