package org.aiod.backup.deploy;

import static org.aiod.backup.testing.DeploymentFiles.composeEnvironment;
import static org.aiod.backup.testing.DeploymentFiles.interpolate;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.config.SmallRyeConfig;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.messaging.BrokerConfig;
import org.aiod.backup.testing.DeploymentFiles;
import org.junit.jupiter.api.Test;

/**
 * {@code docker-compose.offsite.yml}, the override that adds a MinIO and points the service's off-site copies at it:
 * checked against the configuration mapping, since no container engine runs here.
 */
class OffsiteComposeTest {

    private static final Path FILE = DeploymentFiles.PROJECT.resolve("docker-compose.offsite.yml");

    @Test
    void theOverrideRunsMinioMakesTheBucketAndSetsOffsiteCopiesTheServiceReads() {
        JsonNode services = DeploymentFiles.yaml(FILE).path("services");
        JsonNode minio = services.path("minio");
        assertTrue(minio.path("image").asText().startsWith("minio/minio:"), minio.toString());
        assertTrue(services.path("minio-init").path("entrypoint").toString().contains("mc mb --ignore-existing"));

        Map<String, String> minioEnv = composeEnvironment(minio);
        Map<String, String> env = composeEnvironment(services.path("aiod-backup"));
        // the secret is required: compose refuses to start without it
        assertThrows(IllegalArgumentException.class, () -> interpolate(env.get("BACKUP_OFFSITE_SECRET_KEY"), Map.of()));

        Map<String, String> dotEnv = Map.of("MINIO_ROOT_PASSWORD", "minio-s3cret");
        Map<String, String> container = new LinkedHashMap<>();
        env.forEach((k, v) -> container.put(k, interpolate(v, dotEnv)));
        SmallRyeConfig config = DeploymentFiles.config(container, BackupConfig.class, BrokerConfig.class,
                org.aiod.backup.health.SelfTestConfig.class);
        BackupConfig.Offsite offsite = config.getConfigMapping(BackupConfig.class).offsite();
        assertAll(
                () -> assertTrue(offsite.enabled()),
                () -> assertEquals(Optional.of("aiod-backup"), offsite.bucket()),
                () -> assertEquals(Optional.of("http://minio:9000"), offsite.endpoint()),
                () -> assertTrue(offsite.pathStyle(), "MinIO needs path-style requests"),
                () -> assertEquals(Optional.of(interpolate(minioEnv.get("MINIO_ROOT_USER"), dotEnv)),
                        offsite.accessKey()),
                () -> assertEquals(Optional.of("minio-s3cret"), offsite.secretKey()),
                () -> assertTrue(offsite.prefix().filter(p -> !p.isBlank()).isEmpty(), "the bucket's top"));
    }

    @Test
    void withoutTheOverrideOffsiteCopiesAreOff() {
        JsonNode services = DeploymentFiles.yaml(DeploymentFiles.COMPOSE).path("services");
        Map<String, String> env = composeEnvironment(services.path("aiod-backup"));
        Map<String, String> container = new LinkedHashMap<>();
        Map<String, String> dotEnv = Map.of("AMQP_PASSWORD", "x", "BACKUP_ADMIN_SHA512", "y");
        env.forEach((k, v) -> container.put(k, interpolate(v, dotEnv)));
        SmallRyeConfig config = DeploymentFiles.config(container, BackupConfig.class, BrokerConfig.class,
                org.aiod.backup.health.SelfTestConfig.class);
        assertTrue(!config.getConfigMapping(BackupConfig.class).offsite().enabled());
    }
}
