package org.aiod.backup.job;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The journal survives a restart: the service starts on a journal left by a process that died with one job running
 * and one queued. The running one is answered as FAILED (interrupted), saying what its killed run left and the
 * start-up removed; the queued one runs; temporary files of killed runs are gone before any job runs.
 */
@QuarkusTest
@TestProfile(JournalRestartTest.Restarted.class)
class JournalRestartTest {

    static final Path ROOT = Path.of("target/journal-restart-test").toAbsolutePath();
    static final String RUNNING = "11111111-1111-1111-1111-111111111111";
    static final String QUEUED = "22222222-2222-2222-2222-222222222222";

    public static class Restarted implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("backup.data-root", ROOT.resolve("data").toString(),
                    "backup.backup-root", ROOT.resolve("backups").toString());
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(JournalLeftByADeadProcess.class));
        }
    }

    /** Runs before the application starts: the state a killed process leaves on disk. */
    public static class JournalLeftByADeadProcess implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            try {
                deleteRecursively(ROOT);
                Path dataset = Files.createDirectories(ROOT.resolve("data/restarted"));
                Files.writeString(dataset.resolve("file.txt"), "content");
                // the temporary archives the killed backup of "restarted" was writing, and those of a dataset no
                // job will touch after the restart: both are gone once the service has started
                Files.writeString(Files.createDirectories(ROOT.resolve("backups/.aiod-backup/tmp/restarted"))
                        .resolve("restarted3.tar.gz.part"), "half an archive");
                Files.createDirectories(ROOT.resolve("data/idle"));
                Files.writeString(Files.createDirectories(ROOT.resolve("backups/.aiod-backup/tmp/idle"))
                        .resolve("idle0.tar.gz.part"), "half an archive");
                Path journal = Files.createDirectories(ROOT.resolve("backups/.aiod-backup/jobs"));
                Files.writeString(journal.resolve(RUNNING + ".json"), job(RUNNING, "RUNNING",
                        "\"2026-11-26T01:00:01Z\""), StandardCharsets.UTF_8);
                Files.writeString(journal.resolve(QUEUED + ".json"), job(QUEUED, "QUEUED", "null"),
                        StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of();
        }

        @Override
        public void stop() {
        }

        private static String job(String id, String status, String startedAt) {
            return "{\"jobId\":\"" + id + "\",\"requestId\":\"req-" + id + "\",\"messageId\":null,"
                    + "\"type\":\"BACKUP\",\"dataset\":\"restarted\",\"cycle\":null,\"level\":null,"
                    + "\"source\":\"http\",\"status\":\"" + status + "\",\"queuedAt\":\"2026-11-26T01:00:00Z\","
                    + "\"startedAt\":" + startedAt + ",\"finishedAt\":null,\"files\":null,\"bytes\":null,"
                    + "\"archive\":null,\"error\":null,\"warnings\":[]}";
        }

        private static void deleteRecursively(Path root) throws IOException {
            if (!Files.exists(root)) {
                return;
            }
            try (var paths = Files.walk(root)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    @Test
    void aJobRunningWhenTheProcessDiedIsFailedAndAQueuedOneRuns() {
        given().auth().preemptive().basic("viewer", "viewer").get("/api/jobs/" + RUNNING).then()
                .statusCode(200)
                .body("status", equalTo("FAILED"))
                .body("error.code", equalTo("INTERRUPTED"))
                .body("error.message", org.hamcrest.Matchers.containsString(
                        "removed at start-up: 1 temporary file(s) of a killed backup"))
                .body("requestId", equalTo("req-" + RUNNING));
        // removed at start-up, not at the dataset's next job (no job runs on "idle")
        assertTrue(Files.notExists(ROOT.resolve("backups/.aiod-backup/tmp/idle/idle0.tar.gz.part")));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().auth().preemptive()
                .basic("viewer", "viewer").get("/api/jobs/" + QUEUED).then()
                .statusCode(200)
                .body("status", equalTo("SUCCEEDED"))
                .body("level", equalTo(0)));
        assertTrue(Files.isRegularFile(ROOT.resolve("backups/restarted/restarted_0/restarted0.tar.gz")));
        // the same request again is answered from the journal, not run twice
        given().auth().preemptive().basic("operator", "operator").contentType("application/json")
                .body("{\"dataset\":\"restarted\",\"requestId\":\"req-" + QUEUED + "\"}")
                .post("/api/backups").then().statusCode(200).body("jobId", equalTo(QUEUED));
        assertTrue(Files.notExists(ROOT.resolve("backups/restarted/restarted_0/restarted1.tar.gz")));
    }
}
