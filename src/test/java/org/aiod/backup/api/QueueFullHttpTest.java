package org.aiod.backup.api;

import static org.aiod.backup.api.HttpTesting.as;
import static org.aiod.backup.api.HttpTesting.awaitFinal;
import static org.aiod.backup.api.HttpTesting.awaitStatus;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.engine.LockHolderMain;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A full queue answers 503 with Retry-After. The queue holds one command; another process holds the dataset's lock,
 * so the first backup stays running, the second waits in the queue and the third finds it full.
 */
@QuarkusTest
@TestProfile(QueueFullHttpTest.OneSlot.class)
class QueueFullHttpTest {

    private static final String DATASET = HttpTesting.uniqueName("http-queue-full");

    /** A queue of one command and one worker; a job waits for a held lock for as long as the test needs. */
    public static class OneSlot implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("backup.queue-capacity", "1", "backup.workers", "1", "backup.lock-timeout", "60s");
        }
    }

    @Inject
    BackupConfig config;

    @AfterAll
    static void removeDatasets() throws IOException {
        HttpTesting.removeDatasets();
    }

    @Test
    void aFullQueueIs503WithRetryAfter() throws Exception {
        Trees.write(HttpTesting.freshDataset(config, DATASET).resolve("f.txt"), "content");
        Process holder = holdLock(config.backupRoot().resolve(".aiod-backup").resolve("locks")
                .resolve(DATASET + ".lock"));
        String running;
        String queued;
        try {
            running = as("operator").body(Map.of("dataset", DATASET)).post("/api/backups")
                    .then().statusCode(202).extract().path("jobId");
            awaitStatus(running, "RUNNING");
            queued = as("operator").body(Map.of("dataset", DATASET)).post("/api/backups")
                    .then().statusCode(202).body("status", equalTo("QUEUED")).extract().path("jobId");

            as("operator").body(Map.of("dataset", DATASET)).post("/api/backups").then()
                    .statusCode(503)
                    .contentType(Problem.MEDIA_TYPE)
                    .header("Retry-After", equalTo(String.valueOf(ProblemMapper.RETRY_AFTER_SECONDS)))
                    .body("status", equalTo(503), "code", equalTo("QUEUE_FULL"));
        } finally {
            holder.getOutputStream().close();
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS), "the lock holder ends when its input does");
        }
        assertEquals("SUCCEEDED", awaitFinal(running).getString("status"));
        assertEquals("SUCCEEDED", awaitFinal(queued).getString("status"));
        String afterwards = as("operator").body(Map.of("dataset", DATASET)).post("/api/backups").then()
                .statusCode(202).extract().path("jobId");
        assertEquals("SUCCEEDED", awaitFinal(afterwards).getString("status"), "the queue has room again");
    }

    /** Another process that holds the dataset's lock until its standard input is closed. */
    private static Process holdLock(Path lockFile) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                LockHolderMain.class.getName(), lockFile.toString(), DATASET)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (!"LOCKED".equals(line)) {
            process.destroyForcibly();
            throw new IOException("the lock holder did not take the lock: " + line);
        }
        return process;
    }
}
