package org.aiod.backup.config;

import static io.restassured.RestAssured.get;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * {@code backup.state-dir} set elsewhere than its default {@code <backup-root>/.aiod-backup}: the start-up round trip,
 * the job journal, the dataset locks, the restore's temporary and staging files and the embedded broker's journal
 * all live there, the readiness checks probe there, and nothing is written to {@code <backup-root>/.aiod-backup}.
 */
@QuarkusTest
@TestProfile(StateDirectoryTest.ElsewhereState.class)
class StateDirectoryTest {

    static final Path ROOT = Path.of("target/state-dir-test").toAbsolutePath();
    static final Path STATE = ROOT.resolve("state");
    static final String DATASET = "moved";
    static final int PORT = freePort();
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** Own roots, the state directory beside them, and the embedded broker (not the shared one) on a free port. */
    public static class ElsewhereState implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("backup.data-root", ROOT.resolve("data").toString(),
                    "backup.backup-root", ROOT.resolve("backups").toString(),
                    "backup.state-dir", STATE.toString(),
                    "backup.broker.embedded", "true",
                    "backup.broker.port", Integer.toString(PORT));
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FreshRoots.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    /** Runs before the application starts: empty roots and one dataset. */
    public static class FreshRoots implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            try {
                Trees.deleteRecursively(ROOT);
                Files.writeString(Files.createDirectories(ROOT.resolve("data").resolve(DATASET)).resolve("file.txt"),
                        "content");
                Files.createDirectories(ROOT.resolve("backups"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of();
        }

        @Override
        public void stop() {
        }
    }

    @Inject
    BackupConfig config;

    @Test
    void theJournalLocksStagingAndBrokerDataLiveInTheConfiguredStateDirectory() {
        assertEquals(STATE, config.stateDir().toAbsolutePath());
        await().atMost(WAIT).until(() -> get("/q/health/started").statusCode() == 200);

        String backup = given().auth().preemptive().basic("operator", "operator").contentType(ContentType.JSON)
                .body(Map.of("dataset", DATASET)).post("/api/backups").then().statusCode(202).extract().path("jobId");
        awaitSucceeded(backup);
        String restore = given().auth().preemptive().basic("admin", "admin").contentType(ContentType.JSON)
                .body(Map.of("dataset", DATASET, "cycle", 0)).post("/api/restores").then().statusCode(202)
                .extract().path("jobId");
        awaitSucceeded(restore);

        assertTrue(Files.isRegularFile(ROOT.resolve("backups/moved/moved_0/moved0.tar.gz")), "the archive");
        assertTrue(Files.isRegularFile(STATE.resolve("jobs").resolve(backup + ".json")), "the backup's journal file");
        assertTrue(Files.isRegularFile(STATE.resolve("jobs").resolve(restore + ".json")), "the restore's");
        assertTrue(Files.isRegularFile(STATE.resolve("locks/moved.lock")), "the dataset's lock");
        assertTrue(Files.isDirectory(STATE.resolve("tmp/moved")), "the dataset's temporary directory");
        assertTrue(Files.isDirectory(STATE.resolve("staging")), "the restores' staging records");
        assertTrue(Files.isDirectory(STATE.resolve("selftest")), "the start-up round trip's scratch");
        assertTrue(Files.isDirectory(STATE.resolve("broker/journal")), "the embedded broker's journal");
        assertFalse(Files.exists(ROOT.resolve("backups/.aiod-backup")), "the default state directory was written");
        assertFalse(Files.exists(ROOT.resolve("data/.aiod-backup")));

        get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'journal' }.data.path", is(STATE.resolve("jobs").toString()))
                .body("checks.find { it.name == 'backup-root' }.status", is("UP"));
        assertFalse(Files.exists(ROOT.resolve("backups/.aiod-backup")), "the readiness probe wrote there");
    }

    private static void awaitSucceeded(String jobId) {
        await().atMost(WAIT).untilAsserted(() -> given().auth().preemptive().basic("viewer", "viewer")
                .get("/api/jobs/{id}", jobId).then().statusCode(200).body("status", is("SUCCEEDED")));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
