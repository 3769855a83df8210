package org.aiod.backup.cli;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.engine.testing.Trees;
import org.aiod.backup.testing.PrometheusText;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One truth for every run (issue #12, point 3): a backup the one-shot command line runs in its own JVM, on the
 * running service's roots and state directory, is journaled with source {@code cli}; the service, which did not
 * run it and is not restarted, counts it in its metrics and lists it in {@code GET /api/jobs}.
 */
@QuarkusTest
class CliRunsInTheServiceTest {

    @Inject
    BackupConfig config;

    private final String dataset = "cli-journal-" + UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void removeDataset() throws Exception {
        Trees.deleteRecursively(config.dataRoot().resolve(dataset));
        Trees.deleteRecursively(config.backupRoot().resolve(dataset));
    }

    @Test
    void aCommandLineBackupIsCountedAndListedByTheRunningService() throws Exception {
        Path dir = Files.createDirectories(config.dataRoot().resolve(dataset));
        Trees.write(dir.resolve("a.txt"), "written by the command line's backup");
        Trees.write(dir.resolve("sub/b.txt"), "and this");
        Map<String, String> labels = Map.of("dataset", dataset, "type", "backup", "status", "succeeded");
        assertEquals(0.0, scrape().valueOrZero("backup_jobs_total", labels));
        Instant before = Instant.now();

        CliProcess.Result run = CliProcess.run(config.dataRoot().toAbsolutePath(),
                config.backupRoot().toAbsolutePath(), false, "backup", dataset);
        assertEquals(0, run.exit(), run.err());

        // nobody asks for the jobs: the service finds the command line's on its own and counts it
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertEquals(1.0, scrape().valueOrZero("backup_jobs_total", labels)));
        double lastSuccess = scrape().value("backup_last_success_timestamp_seconds",
                Map.of("dataset", dataset, "type", "backup")).orElseThrow();
        assertTrue(lastSuccess >= before.getEpochSecond() - 1, "the last success is the command line's: " + lastSuccess);

        List<Map<String, Object>> jobs = given().auth().preemptive().basic("viewer", "viewer")
                .queryParam("dataset", dataset).get("/api/jobs").then().statusCode(200).extract().jsonPath()
                .getList("$");
        assertEquals(1, jobs.size(), jobs.toString());
        Map<String, Object> job = jobs.get(0);
        assertEquals("cli", job.get("source"), job.toString());
        assertEquals("BACKUP", job.get("type"));
        assertEquals("SUCCEEDED", job.get("status"));
        assertEquals(2, job.get("files"), job.toString());
        given().auth().preemptive().basic("viewer", "viewer").get("/api/jobs/{id}", job.get("jobId")).then()
                .statusCode(200);
    }

    private static PrometheusText scrape() {
        return PrometheusText.parse(given().get("/q/metrics").then().statusCode(200).extract().asString());
    }
}
