package org.aiod.backup.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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

    private ServiceJarProcess service;

    @BeforeAll
    static void theArtifactIsBuilt() {
        jar = ServiceJarProcess.jar();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (service != null) {
            service.close();
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
        service = ServiceJarProcess.in(tmp).launch(launch).runnable().errorsInLog()
                .env(Map.of("BACKUP_SELF_TEST_ENABLED", "false")).start(tmp.resolve("service.log"));
        // the block ends with the broker's line
        return service.awaitOutput("  broker: ").replace("\r\n", "\n");
    }
}
