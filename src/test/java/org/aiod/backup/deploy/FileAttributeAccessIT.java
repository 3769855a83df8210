package org.aiod.backup.deploy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's fast lstat path (lstat's ctime, inode and device read from the JDK's own result, which needs
 * {@code java.base/sun.nio.fs} opened to the application) is what a plain {@code java -jar quarkus-run.jar} gets,
 * with no JVM option from the user: the jar's manifest says {@code Add-Opens}, which the JDK honours for the jar it
 * launches. The service's start-up block says which path is in use; the same jar started another way (its entry
 * point named on a class path, so the manifest's {@code Add-Opens} is not read) says the slower one, so the line
 * is not a constant.
 */
class FileAttributeAccessIT {

    private static final String FAST = "  file attributes: lstat read directly (fast path)";
    private static final String SLOW = "  file attributes: through the public attribute API";

    private static Path jar;

    @TempDir
    Path tmp;

    private Process process;

    @BeforeAll
    static void theArtifactIsBuilt() {
        jar = Path.of(System.getProperty("quarkus.app.dir", "target/quarkus-app")).resolve("quarkus-run.jar")
                .toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), jar + " is built by package before the integration tests");
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void theJarsManifestOpensSunNioFs() throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            List<String> opens = List.of(file.getManifest().getMainAttributes().getValue("Add-Opens").split(" "));
            assertTrue(opens.contains("java.base/sun.nio.fs"), opens.toString());
            // what Quarkus's extensions asked for stays
            assertTrue(opens.contains("java.base/java.lang"), opens.toString());
        }
    }

    @Test
    void plainJavaDashJarTakesTheFastPath() throws Exception {
        String block = startAndReadTheBlock(List.of("-jar", jar.toString()));
        assertTrue(block.contains(FAST + "\n"), block);
    }

    @Test
    void withoutTheManifestsAddOpensTheBlockSaysTheSlowerPath() throws Exception {
        String block = startAndReadTheBlock(List.of("-cp", jar.toString(), mainClass()));
        assertTrue(block.contains(SLOW), block);
        assertTrue(block.contains("add --add-opens java.base/sun.nio.fs=ALL-UNNAMED"), block);
    }

    private static String mainClass() throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.getManifest().getMainAttributes().getValue("Main-Class");
        }
    }

    /** Starts the service ({@code java [launch]}, nothing else on the JVM's line) and returns its start-up block. */
    private String startAndReadTheBlock(List<String> launch) throws Exception {
        Path out = tmp.resolve("service.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Djava.io.tmpdir=" + tmp));
        command.addAll(launch);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(k -> k.startsWith("QUARKUS_") || k.startsWith("BACKUP_") || k.startsWith("AMQP")
                || k.startsWith("JAVA_TOOL_OPTIONS") || k.startsWith("JDK_JAVA_OPTIONS"));
        environment.put("LANG", "C.UTF-8");
        environment.put("LC_ALL", "C.UTF-8");
        environment.put("BACKUP_DATA_ROOT", tmp.resolve("data").toString());
        environment.put("BACKUP_BACKUP_ROOT", tmp.resolve("backups").toString());
        environment.put("BACKUP_SCHEDULE_CRON", "off");
        environment.put("BACKUP_SELF_TEST_ENABLED", "false");
        environment.put("QUARKUS_SECURITY_USERS_EMBEDDED_USERS_ADMIN", sha512Hex("admin:Quarkus:s3cret"));
        environment.put("QUARKUS_SECURITY_USERS_EMBEDDED_ROLES_ADMIN", "backup-admin");
        environment.put("QUARKUS_HTTP_PORT", Integer.toString(freePort()));
        environment.put("BACKUP_BROKER_PORT", Integer.toString(freePort()));
        Files.createDirectories(tmp.resolve("data"));
        Files.createDirectories(tmp.resolve("backups"));
        process = builder.start();
        // the block ends with the broker's line
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            String log = Files.readString(out, StandardCharsets.UTF_8);
            if (!process.isAlive() && !log.contains("  broker: ")) {
                throw new AssertionError("the service exited with " + process.exitValue() + ": " + log);
            }
            return log.contains("  broker: ");
        });
        return Files.readString(out, StandardCharsets.UTF_8).replace("\r\n", "\n");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String sha512Hex(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
