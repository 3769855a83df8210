package org.aiod.backup.deploy;

import static org.aiod.backup.testing.DeploymentFiles.COMPOSE;
import static org.aiod.backup.testing.DeploymentFiles.DOCKERFILE;
import static org.aiod.backup.testing.DeploymentFiles.composeEnvironment;
import static org.aiod.backup.testing.DeploymentFiles.dockerfile;
import static org.aiod.backup.testing.DeploymentFiles.dockerfileEnv;
import static org.aiod.backup.testing.DeploymentFiles.elements;
import static org.aiod.backup.testing.DeploymentFiles.interpolate;
import static org.aiod.backup.testing.DeploymentFiles.kubernetesObjects;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.config.SmallRyeConfig;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.health.SelfTestConfig;
import org.aiod.backup.messaging.BrokerConfig;
import org.aiod.backup.testing.DeploymentFiles;
import org.junit.jupiter.api.Test;

/**
 * The image, docker-compose.yml and the Kubernetes manifests, checked against the code since no container engine
 * runs here: base image and layout, the legacy volume paths, every environment variable naming a property the
 * service reads (and reaching it through SmallRye Config as the service would), secret references, volumes.
 */
class DeploymentFilesTest {

    private static final String DATA_ROOT = "/opt/data";
    private static final String BACKUP_ROOT = "/opt/backups/data";
    private static final Pattern DATASET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    /** Read by the SmallRye AMQP connector for every channel (and by the embedded broker's switch and security). */
    private static final Set<String> AMQP_PROPERTIES = Set.of("amqp-host", "amqp-port", "amqp-username",
            "amqp-password");
    /** Quarkus settings documented for operators: embedded users and roles (CredentialsGuard), JSON logs. */
    private static final Pattern QUARKUS_SETTINGS = Pattern.compile("QUARKUS_SECURITY_USERS_EMBEDDED_(USERS|ROLES)_[A-Z0-9]+"
            + "|QUARKUS_SECURITY_USERS_EMBEDDED_PLAIN_TEXT|QUARKUS_LOG_CONSOLE_JSON_ENABLED|QUARKUS_OIDC_[A-Z_]+");
    /** Read by the base image's run-java.sh, or the locale. */
    private static final Set<String> IMAGE_SETTINGS = Set.of("JAVA_APP_JAR", "JAVA_OPTS_APPEND", "LANG", "LANGUAGE");
    private static final String ADMIN_SHA512 = "0".repeat(128);

    // ---- the image --------------------------------------------------------------------------------------------

    @Test
    void theImageIsTheQuarkusJvmImageOnUbi9OpenJdk17() {
        assertAll(
                () -> assertEquals(1, dockerfile("FROM").size()),
                () -> assertTrue(dockerfile("FROM").get(0).startsWith("registry.access.redhat.com/ubi9/openjdk-17:"),
                        dockerfile("FROM").toString()),
                () -> assertEquals(List.of(
                        "--chown=185 target/quarkus-app/lib/ /deployments/lib/",
                        "--chown=185 target/quarkus-app/*.jar /deployments/",
                        "--chown=185 target/quarkus-app/app/ /deployments/app/",
                        "--chown=185 target/quarkus-app/quarkus/ /deployments/quarkus/"), dockerfile("COPY")),
                () -> assertEquals("/deployments/quarkus-run.jar", dockerfileEnv().get("JAVA_APP_JAR")),
                () -> assertTrue(dockerfileEnv().get("JAVA_OPTS_APPEND").contains("-Dquarkus.http.host=0.0.0.0")),
                () -> assertEquals(List.of("8080"), dockerfile("EXPOSE")),
                () -> assertEquals("185", last(dockerfile("USER")), "the image runs as user 185"),
                () -> assertEquals(List.of("[ \"/opt/jboss/container/java/run/run-java.sh\" ]"),
                        dockerfile("ENTRYPOINT")),
                () -> assertTrue(dockerfile("CMD").isEmpty(), "arguments go to the application, not to a CMD"));
        List<String> ignore = DeploymentFiles.read(DeploymentFiles.DOCKERIGNORE).lines()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertEquals(List.of("*", "!target/quarkus-app/*"), ignore, "the build context is the packaged application");
    }

    @Test
    void theImageDefaultsToTheLegacyVolumePathsAndAUtf8Locale() {
        Map<String, String> env = dockerfileEnv();
        assertAll(
                () -> assertEquals(DATA_ROOT, env.get("BACKUP_DATA_ROOT")),
                () -> assertEquals(BACKUP_ROOT, env.get("BACKUP_BACKUP_ROOT")),
                () -> assertEquals("C.UTF-8", env.get("LANG"), "the engine refuses non-UTF-8 file names"),
                () -> assertKnownVariables(env.keySet(), "Dockerfile.jvm"));
        BackupConfig config = DeploymentFiles.config(env, BackupConfig.class).getConfigMapping(BackupConfig.class);
        assertEquals(Path.of(DATA_ROOT), config.dataRoot());
        assertEquals(Path.of(BACKUP_ROOT), config.backupRoot());
        assertTrue(DeploymentFiles.read(DOCKERFILE).contains("RUN mkdir -p /opt/data /opt/backups/data && chown 185"),
                "both roots belong to the image's user");
    }

    // ---- docker-compose.yml -----------------------------------------------------------------------------------

    @Test
    void composeRunsTheServiceBesideTheOfficialArtemisImage() {
        JsonNode services = DeploymentFiles.yaml(COMPOSE).path("services");
        assertEquals(Set.of("artemis", "aiod-backup"), fieldNames(services));
        JsonNode artemis = services.path("artemis");
        assertTrue(artemis.path("image").asText().startsWith("apache/activemq-artemis:"), artemis.toString());
        assertEquals(Set.of("ARTEMIS_USER", "ARTEMIS_PASSWORD"), composeEnvironment(artemis).keySet());
        assertTrue(elements(artemis.path("volumes")).stream().anyMatch(v -> v.asText().endsWith(
                ":/var/lib/artemis-instance")), "the broker keeps its instance (and messages) in a volume");

        JsonNode service = services.path("aiod-backup");
        assertEquals("aiod-backup", service.path("image").asText());
        Path dockerfile = COMPOSE.getParent().resolve(service.path("build").path("context").asText())
                .resolve(service.path("build").path("dockerfile").asText()).normalize();
        assertEquals(DOCKERFILE, dockerfile);
        assertTrue(Files.isRegularFile(dockerfile));
        assertEquals(List.of("artemis"), elements(service.path("depends_on")).stream().map(JsonNode::asText).toList());
        assertEquals(List.of("8080:8080"), elements(service.path("ports")).stream().map(JsonNode::asText).toList());
        assertTrue(service.path("command").isMissingNode(), "the service runs by default, the restore is commented");
    }

    @Test
    void composeWiresTheBrokerAndCredentialsThroughPropertiesTheServiceReads() {
        JsonNode services = DeploymentFiles.yaml(COMPOSE).path("services");
        Map<String, String> artemis = composeEnvironment(services.path("artemis"));
        Map<String, String> env = composeEnvironment(services.path("aiod-backup"));
        assertKnownVariables(env.keySet(), "docker-compose.yml");
        assertAll(
                () -> assertEquals("artemis", env.get("AMQP_HOST"), "the broker's service name"),
                () -> assertEquals("5672", env.get("AMQP_PORT")),
                () -> assertEquals(artemis.get("ARTEMIS_USER"), env.get("AMQP_USERNAME"), "the broker's own user"),
                () -> assertEquals(artemis.get("ARTEMIS_PASSWORD"), env.get("AMQP_PASSWORD")),
                () -> assertEquals("backup-admin", env.get("QUARKUS_SECURITY_USERS_EMBEDDED_ROLES_ADMIN")),
                () -> assertTrue(env.containsKey("QUARKUS_SECURITY_USERS_EMBEDDED_USERS_ADMIN")),
                () -> assertEquals(Set.of("AMQP_PASSWORD"), DeploymentFiles.variables(env.get("AMQP_PASSWORD"))),
                () -> assertEquals(Set.of("BACKUP_ADMIN_SHA512"),
                        DeploymentFiles.variables(env.get("QUARKUS_SECURITY_USERS_EMBEDDED_USERS_ADMIN"))));

        // secrets are required: compose refuses to start without them rather than run with a default password
        assertThrows(IllegalArgumentException.class, () -> interpolate(env.get("AMQP_PASSWORD"), Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> interpolate(env.get("QUARKUS_SECURITY_USERS_EMBEDDED_USERS_ADMIN"), Map.of()));

        // as the container sees it: the image's environment, then the compose file's, with a .env file's secrets
        Map<String, String> container = new LinkedHashMap<>(dockerfileEnv());
        Map<String, String> dotEnv = Map.of("AMQP_PASSWORD", "s3cret", "BACKUP_ADMIN_SHA512", ADMIN_SHA512);
        env.forEach((k, v) -> container.put(k, interpolate(v, dotEnv)));
        SmallRyeConfig config = DeploymentFiles.config(container, BackupConfig.class, BrokerConfig.class,
                SelfTestConfig.class);
        BackupConfig backup = config.getConfigMapping(BackupConfig.class);
        assertAll(
                () -> assertEquals("artemis", config.getValue("amqp-host", String.class)),
                () -> assertEquals(5672, config.getValue("amqp-port", Integer.class)),
                () -> assertEquals("aiod-backup", config.getValue("amqp-username", String.class)),
                () -> assertEquals("s3cret", config.getValue("amqp-password", String.class)),
                () -> assertEquals(ADMIN_SHA512,
                        config.getValue("quarkus.security.users.embedded.users.admin", String.class)),
                () -> assertEquals("0 0 2 * * ?", backup.schedule().cron()),
                () -> assertEquals(7, backup.cycleLength()),
                () -> assertEquals(Path.of(DATA_ROOT), backup.dataRoot()),
                () -> assertEquals(Path.of(BACKUP_ROOT), backup.backupRoot()));
        // the scheduler's own cron flavour (Quartz: seconds first)
        new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ)).parse(backup.schedule().cron())
                .validate();
    }

    @Test
    void composeMountsTheLegacyVolumesAndCommentsTheManualRestore() {
        JsonNode service = DeploymentFiles.yaml(COMPOSE).path("services").path("aiod-backup");
        Map<String, String> mounts = new LinkedHashMap<>();
        for (JsonNode volume : elements(service.path("volumes"))) {
            String[] parts = volume.asText().split(":");
            mounts.put(parts[1], parts[0]);
        }
        assertTrue(mounts.containsKey(BACKUP_ROOT), mounts.toString());
        assertEquals("/path/to/backups", mounts.get(BACKUP_ROOT));
        assertEquals("/path/to/connectors/data/", mounts.get(DATA_ROOT + "/connectors"));
        for (String target : mounts.keySet()) {
            assertTrue(target.equals(BACKUP_ROOT) || target.startsWith(DATA_ROOT + "/")
                    && DATASET.matcher(target.substring(DATA_ROOT.length() + 1)).matches(),
                    "a volume is the backup root or one dataset under the data root: " + target);
        }

        List<String> command = DeploymentFiles.commentedCommand(COMPOSE).orElseThrow();
        assertEquals(List.of("restore", "connectors", "2", "10"), command);
        assertTrue(mounts.containsKey(DATA_ROOT + "/" + command.get(1)), "the restored dataset is mounted");
        String text = DeploymentFiles.read(COMPOSE);
        assertTrue(text.contains("# restart: \"no\""), "a one-shot command must not be restarted");
        assertTrue(text.contains("docker compose run --rm --no-deps aiod-backup restore connectors 2 10"));
    }

    // ---- Kubernetes -------------------------------------------------------------------------------------------

    @Test
    void kubernetesRunsOneReplicaOfTheImageWithTheLegacyVolumes() {
        JsonNode deployment = named("Deployment", "aiod-backup");
        assertEquals(1, deployment.path("spec").path("replicas").asInt());
        assertEquals("Recreate", deployment.path("spec").path("strategy").path("type").asText());
        JsonNode pod = deployment.path("spec").path("template").path("spec");
        JsonNode container = container(deployment);
        assertEquals("aiod-backup", container.path("image").asText().split(":")[0]);
        assertEquals(185, pod.path("securityContext").path("runAsUser").asInt(), "the image's user by default");

        Map<String, String> env = plainEnv(container);
        Map<String, String> mounts = new HashMap<>();
        for (JsonNode mount : elements(container.path("volumeMounts"))) {
            mounts.put(mount.path("mountPath").asText(), mount.path("name").asText());
        }
        assertEquals(Set.of(DATA_ROOT, BACKUP_ROOT), mounts.keySet());
        assertEquals(DATA_ROOT, env.get("BACKUP_DATA_ROOT"));
        assertEquals(BACKUP_ROOT, env.get("BACKUP_BACKUP_ROOT"));
        Set<String> claims = kubernetesObjects("PersistentVolumeClaim").stream()
                .map(c -> c.path("metadata").path("name").asText()).collect(Collectors.toSet());
        for (String volume : mounts.values()) {
            JsonNode declared = elements(pod.path("volumes")).stream()
                    .filter(v -> volume.equals(v.path("name").asText())).findFirst().orElseThrow();
            assertTrue(claims.contains(declared.path("persistentVolumeClaim").path("claimName").asText()),
                    "volume " + volume + " is a claim defined here");
        }

        JsonNode service = named("Service", "aiod-backup");
        assertEquals(deployment.path("spec").path("template").path("metadata").path("labels"),
                service.path("spec").path("selector"));
        assertEquals("http", service.path("spec").path("ports").path(0).path("targetPort").asText());
        assertEquals(8080, container.path("ports").path(0).path("containerPort").asInt());
        assertEquals("http", container.path("ports").path(0).path("name").asText());
    }

    @Test
    void kubernetesTakesBrokerCredentialsAndApiUsersFromTheSecret() {
        JsonNode container = container(named("Deployment", "aiod-backup"));
        Set<String> names = new TreeSet<>();
        Map<String, String> secretRefs = new HashMap<>();
        for (JsonNode var : elements(container.path("env"))) {
            names.add(var.path("name").asText());
            JsonNode ref = var.path("valueFrom").path("secretKeyRef");
            if (!ref.isMissingNode()) {
                assertEquals("aiod-backup", ref.path("name").asText());
                secretRefs.put(var.path("name").asText(), ref.path("key").asText());
            }
        }
        assertKnownVariables(names, "aiod-backup.yml");
        assertEquals(Map.of("AMQP_USERNAME", "amqp-username", "AMQP_PASSWORD", "amqp-password",
                "QUARKUS_SECURITY_USERS_EMBEDDED_USERS_ADMIN", "admin-sha512"), secretRefs);

        Map<String, String> env = plainEnv(container);
        assertEquals("backup-admin", env.get("QUARKUS_SECURITY_USERS_EMBEDDED_ROLES_ADMIN"));
        JsonNode broker = named("Service", env.get("AMQP_HOST"));
        assertEquals(env.get("AMQP_PORT"), broker.path("spec").path("ports").path(0).path("port").asText());

        JsonNode artemis = container(named("Deployment", "artemis"));
        assertTrue(artemis.path("image").asText().startsWith("apache/activemq-artemis:"));
        Map<String, String> artemisRefs = new HashMap<>();
        for (JsonNode var : elements(artemis.path("env"))) {
            JsonNode ref = var.path("valueFrom").path("secretKeyRef");
            assertEquals("aiod-backup", ref.path("name").asText(), var.toString());
            artemisRefs.put(var.path("name").asText(), ref.path("key").asText());
        }
        assertEquals(Map.of("ARTEMIS_USER", "amqp-username", "ARTEMIS_PASSWORD", "amqp-password"), artemisRefs,
                "the broker's user is the one the service logs in with");

        // as the container sees it, with the secret's values
        Map<String, String> secret = Map.of("amqp-username", "aiod-backup", "amqp-password", "pw",
                "admin-sha512", ADMIN_SHA512);
        Map<String, String> all = new LinkedHashMap<>(dockerfileEnv());
        all.putAll(env);
        secretRefs.forEach((name, key) -> all.put(name, secret.get(key)));
        SmallRyeConfig config = DeploymentFiles.config(all, BackupConfig.class, BrokerConfig.class,
                SelfTestConfig.class);
        assertEquals("artemis", config.getValue("amqp-host", String.class));
        assertEquals("pw", config.getValue("amqp-password", String.class));
        assertEquals("0 0 2 * * ?", config.getConfigMapping(BackupConfig.class).schedule().cron());
    }

    @Test
    void kubernetesProbesAreTheHealthEndpointsWithRoomForTheSelfTest() {
        JsonNode container = container(named("Deployment", "aiod-backup"));
        assertEquals("/q/health/started", container.path("startupProbe").path("httpGet").path("path").asText());
        assertEquals("/q/health/live", container.path("livenessProbe").path("httpGet").path("path").asText());
        assertEquals("/q/health/ready", container.path("readinessProbe").path("httpGet").path("path").asText());
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertEquals("http", container.path(probe).path("httpGet").path("port").asText(), probe);
        }
        JsonNode startup = container.path("startupProbe");
        int seconds = startup.path("periodSeconds").asInt(10) * startup.path("failureThreshold").asInt(3);
        assertTrue(seconds >= 120, "the startup probe allows the self-test " + seconds + " s");
    }

    @Test
    void everyManifestIsAKubernetesObjectWithANameAndEveryDeploymentASelectorMatchingItsPods() {
        List<JsonNode> objects = kubernetesObjects();
        assertTrue(objects.size() >= 7, "objects: " + objects.size());
        Set<String> seen = new HashSet<>();
        for (JsonNode object : objects) {
            String id = object.path("kind").asText() + "/" + object.path("metadata").path("name").asText();
            assertTrue(object.path("apiVersion").isTextual() && object.path("kind").isTextual()
                    && object.path("metadata").path("name").isTextual(), object.toString());
            assertTrue(seen.add(id), "defined twice: " + id);
            if ("Deployment".equals(object.path("kind").asText())) {
                assertEquals(object.path("spec").path("selector").path("matchLabels"),
                        object.path("spec").path("template").path("metadata").path("labels"), id);
            }
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /** Every variable names a property the service reads (mapped or documented) or a setting of the image. */
    private static void assertKnownVariables(Set<String> names, String where) {
        Set<String> known = new HashSet<>(IMAGE_SETTINGS);
        for (Class<?> mapping : List.of(BackupConfig.class, BrokerConfig.class, SelfTestConfig.class)) {
            DeploymentFiles.mappingProperties(mapping).forEach(p -> known.add(DeploymentFiles.envName(p)));
        }
        AMQP_PROPERTIES.forEach(p -> known.add(DeploymentFiles.envName(p)));
        for (String name : names) {
            assertTrue(known.contains(name) || QUARKUS_SETTINGS.matcher(name).matches(),
                    where + ": " + name + " is no property the service reads (known: " + new TreeSet<>(known) + ")");
        }
    }

    private static JsonNode named(String kind, String name) {
        return kubernetesObjects(kind).stream().filter(o -> name.equals(o.path("metadata").path("name").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " named " + name));
    }

    private static JsonNode container(JsonNode deployment) {
        List<JsonNode> containers = elements(deployment.path("spec").path("template").path("spec")
                .path("containers"));
        assertEquals(1, containers.size());
        return containers.get(0);
    }

    private static Map<String, String> plainEnv(JsonNode container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode var : elements(container.path("env"))) {
            if (var.has("value")) {
                env.put(var.path("name").asText(), var.path("value").asText());
            }
        }
        return env;
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static <T> T last(List<T> list) {
        return list.get(list.size() - 1);
    }
}
