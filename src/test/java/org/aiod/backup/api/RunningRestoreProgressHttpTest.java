package org.aiod.backup.api;

import static org.aiod.backup.api.HttpTesting.as;
import static org.aiod.backup.api.HttpTesting.awaitFinal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/jobs/{id}} of a running restore has its progress against its totals (issue #12, point 1): the
 * restore is held mid-way by {@link ProgressGate} while the test looks at it.
 */
@QuarkusTest
class RunningRestoreProgressHttpTest {

    private static final String DATASET = HttpTesting.uniqueName("http-restore-progress");

    @Inject
    BackupConfig config;

    @AfterAll
    static void removeDatasets() throws IOException {
        HttpTesting.removeDatasets();
    }

    @Test
    void aRunningRestoreShowsTheArchiveBytesItReadsAgainstTheirTotal() throws Exception {
        Path data = HttpTesting.freshDataset(config, DATASET);
        Trees.write(data.resolve("big.bin"), Trees.randomBytes(7, 1 << 20));
        for (int i = 0; i < 20; i++) {
            Trees.write(data.resolve("dir/f" + i), "content " + i);
        }
        String backupId = as("operator").body(Map.of("dataset", DATASET)).post("/api/backups").then()
                .statusCode(202).extract().path("jobId");
        assertEquals("SUCCEEDED", awaitFinal(backupId).getString("status"));
        long archiveBytes = archiveBytes(config.backupRoot().resolve(DATASET).resolve(DATASET + "_0"));

        ProgressGate.Gate gate = ProgressGate.arm(DATASET);
        String restoreId = as("admin").body(Map.of("dataset", DATASET, "cycle", 0)).post("/api/restores").then()
                .statusCode(202).extract().path("jobId");
        try {
            assertTrue(gate.entered().await(60, TimeUnit.SECONDS), "the restore reported its totals");
            JsonPath running = as("viewer").get("/api/jobs/{id}", restoreId).then().statusCode(200).extract()
                    .jsonPath();
            assertEquals("RUNNING", running.getString("status"), running.prettify());
            assertEquals("RESTORE", running.getString("progress.type"), running.prettify());
            assertEquals(archiveBytes, running.getLong("progress.bytesTotal"),
                    "the total is the chain's archive bytes: " + running.prettify());
            assertFalse(running.getBoolean("progress.estimated"), running.prettify());
            assertTrue(running.getLong("progress.bytesDone") < archiveBytes, running.prettify());
            assertNull(running.get("progress.filesTotal"), "files extracted have no total");
        } finally {
            gate.open().countDown();
        }
        JsonPath done = awaitFinal(restoreId);
        assertEquals("SUCCEEDED", done.getString("status"), done.prettify());
        assertNull(done.get("progress"), "a finished job has no progress");
    }

    private static long archiveBytes(Path cycleDir) throws IOException {
        try (Stream<Path> files = Files.list(cycleDir)) {
            long total = 0;
            for (Path file : files.filter(f -> f.getFileName().toString().contains(".tar.")).toList()) {
                total += Files.size(file);
            }
            return total;
        }
    }
}
