package org.aiod.backup.api;

import static org.aiod.backup.api.HttpTesting.as;
import static org.aiod.backup.api.HttpTesting.awaitFinal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/datasets} gives per dataset what an operator checks first: the data directory, the size of its
 * backups, its archives by verify state, its last backup success and failure, and the schedules' next runs.
 */
@QuarkusTest
class DatasetFactsHttpTest {

    private static final String DATASET = HttpTesting.uniqueName("http-facts");

    @Inject
    BackupConfig config;

    @AfterAll
    static void removeDatasets() throws IOException {
        HttpTesting.removeDatasets();
    }

    private JsonPath facts() {
        return as("viewer").get("/api/datasets").then().statusCode(200).extract().jsonPath()
                .setRootPath("find { it.name == '" + DATASET + "' }");
    }

    @Test
    void theListSaysDirectorySizeVerifyStateLastSuccessAndFailure() throws IOException {
        Path data = HttpTesting.freshDataset(config, DATASET);
        Trees.write(data.resolve("a.txt"), "alpha");
        Instant before = Instant.now();
        String ok = as("operator").body(Map.of("dataset", DATASET)).post("/api/backups").then().statusCode(202)
                .extract().path("jobId");
        assertEquals("SUCCEEDED", awaitFinal(ok).getString("status"));

        JsonPath first = facts();
        assertTrue(first.getBoolean("dataDirectory"));
        assertTrue(first.getLong("bytes") > 0, first.prettify());
        assertEquals(1, first.getInt("levels.total"));
        assertEquals(1, first.getInt("levels.unverified"));
        assertEquals(0, first.getInt("levels.verified"));
        assertNull(first.get("levels.lastVerified"));
        assertFalse(Instant.parse(first.getString("lastSuccess")).isBefore(before));
        assertNull(first.get("lastFailure"));
        assertNull(first.get("nextBackup"), "the test profile's schedule is off");
        assertNull(first.get("nextVerify"));

        // a verify reads the level through: it is verified, with the time
        String verify = as("operator").body(Map.of("dataset", DATASET)).post("/api/verifications").then()
                .statusCode(202).extract().path("jobId");
        assertEquals("SUCCEEDED", awaitFinal(verify).getString("status"));
        JsonPath verified = facts();
        assertEquals(1, verified.getInt("levels.verified"));
        assertEquals(0, verified.getInt("levels.unverified"));
        assertNotNull(verified.get("levels.lastVerified"));

        // the data directory replaced by a symbolic link: the next backup fails, and the list says when
        Path elsewhere = Files.createDirectories(config.dataRoot().resolveSibling(DATASET + "-elsewhere"));
        Trees.deleteRecursively(data);
        Files.createSymbolicLink(data, elsewhere);
        try {
            String failed = as("operator").body(Map.of("dataset", DATASET)).post("/api/backups").then()
                    .statusCode(202).extract().path("jobId");
            assertEquals("FAILED", awaitFinal(failed).getString("status"));
            JsonPath after = facts();
            assertNotNull(after.get("lastFailure"));
            assertEquals(first.getString("lastSuccess"), after.getString("lastSuccess"));
        } finally {
            Files.delete(data);
            Trees.deleteRecursively(elsewhere);
        }
        assertFalse(facts().getBoolean("dataDirectory"), "no data directory now: backups only");
    }
}
