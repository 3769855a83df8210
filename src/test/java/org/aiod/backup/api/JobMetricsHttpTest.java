package org.aiod.backup.api;

import static io.restassured.RestAssured.given;
import static org.aiod.backup.api.HttpTesting.as;
import static org.aiod.backup.api.HttpTesting.awaitFinal;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.engine.testing.Trees;
import org.aiod.backup.testing.PrometheusText;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The jobs' metrics at {@code /q/metrics} (unauthenticated, Prometheus text), before and after a backup, a restore
 * and rejected commands over HTTP: counters by final status, last success times, last bytes and files, run times,
 * lock waits and the queue depth.
 */
@QuarkusTest
class JobMetricsHttpTest {

    private static final String DATASET = HttpTesting.uniqueName("metrics");

    @Inject
    BackupConfig config;

    @AfterAll
    static void removeDatasets() throws IOException {
        HttpTesting.removeDatasets();
    }

    @Test
    void aBackupAndARestoreMoveTheirDatasetsMetrics() throws IOException {
        Path data = HttpTesting.freshDataset(config, DATASET);
        Trees.write(data.resolve("a.txt"), "alpha");
        Trees.write(data.resolve("sub/b.bin"), Trees.randomBytes(7, 20_000));

        PrometheusText before = scrape();
        assertTrue(before.has("backup_queue_depth"), "queue depth gauge");
        assertTrue(before.value("backup_jobs_total", Map.of("dataset", DATASET)).isEmpty(), "no job of a new dataset");
        assertTrue(before.value("backup_last_success_timestamp_seconds", Map.of("dataset", DATASET)).isEmpty(),
                "no last success for a dataset that never had one");
        double unknownBefore = before.valueOrZero("backup_jobs_total",
                Map.of("dataset", "_unknown", "type", "backup", "status", "rejected"));

        Instant start = Instant.now();
        String backupId = as("operator").body(Map.of("dataset", DATASET)).post("/api/backups")
                .then().statusCode(202).extract().path("jobId");
        JsonPath backup = awaitFinal(backupId);
        assertEquals("SUCCEEDED", backup.getString("status"), backup.prettify());
        Map<String, String> backupTags = Map.of("dataset", DATASET, "type", "backup");
        PrometheusText afterBackup = awaitMetric("backup_jobs_total", tags(backupTags, "status", "succeeded"), 1);
        double lastBackup = afterBackup.value("backup_last_success_timestamp_seconds", backupTags).orElseThrow().doubleValue();
        assertTrue(lastBackup >= start.getEpochSecond() - 1 && lastBackup <= Instant.now().getEpochSecond() + 1,
                "last backup time " + lastBackup + " is the backup's");
        assertEquals((double) backup.getLong("bytes"), afterBackup.value("backup_job_last_bytes", backupTags).orElseThrow().doubleValue());
        assertEquals(2.0, afterBackup.value("backup_job_last_files", backupTags).orElseThrow().doubleValue());
        assertEquals(20_005.0, afterBackup.value("backup_job_last_bytes", backupTags).orElseThrow().doubleValue());
        assertEquals(1.0, afterBackup.value("backup_job_duration_seconds_count",
                tags(backupTags, "status", "succeeded")).orElseThrow().doubleValue());
        assertEquals(1.0, afterBackup.value("backup_lock_wait_seconds_count",
                tags(backupTags, "outcome", "acquired")).orElseThrow().doubleValue());
        assertTrue(afterBackup.value("backup_last_success_timestamp_seconds",
                Map.of("dataset", DATASET, "type", "restore")).isEmpty(), "no restore yet");

        String restoreId = as("admin").body(Map.of("dataset", DATASET, "cycle", 0, "level", 0)).post("/api/restores")
                .then().statusCode(202).extract().path("jobId");
        assertEquals("SUCCEEDED", awaitFinal(restoreId).getString("status"));
        Map<String, String> restoreTags = Map.of("dataset", DATASET, "type", "restore");
        PrometheusText afterRestore = awaitMetric("backup_jobs_total", tags(restoreTags, "status", "succeeded"), 1);
        assertTrue(afterRestore.value("backup_last_success_timestamp_seconds", restoreTags).orElseThrow().doubleValue()
                >= lastBackup, "the restore finished after the backup");
        assertEquals(2.0, afterRestore.value("backup_job_last_files", restoreTags).orElseThrow().doubleValue());
        assertEquals(1.0, afterRestore.value("backup_job_duration_seconds_count",
                tags(restoreTags, "status", "succeeded")).orElseThrow().doubleValue());
        assertEquals(lastBackup, afterRestore.value("backup_last_success_timestamp_seconds", backupTags)
                .orElseThrow().doubleValue(), "a restore leaves the last backup time alone");

        // rejected: a missing cycle of a managed dataset counts under the dataset, an unknown name under _unknown
        as("admin").body(Map.of("dataset", DATASET, "cycle", 99)).post("/api/restores").then().statusCode(404);
        as("operator").body(Map.of("dataset", "no-such-" + DATASET)).post("/api/backups").then().statusCode(404);
        PrometheusText afterRejects = awaitMetric("backup_jobs_total", tags(restoreTags, "status", "rejected"), 1);
        assertEquals(unknownBefore + 1, afterRejects.valueOrZero("backup_jobs_total",
                Map.of("dataset", "_unknown", "type", "backup", "status", "rejected")));
        assertTrue(afterRejects.samples().stream().noneMatch(s -> ("no-such-" + DATASET).equals(
                s.labels().get("dataset"))), "an unknown dataset name makes no series");
        assertTrue(afterRejects.value("backup_job_duration_seconds_count", tags(restoreTags, "status", "rejected"))
                .isEmpty(), "a rejected job never ran: no run time");
        assertEquals(0.0, afterRejects.value("backup_queue_depth", Map.of()).orElseThrow().doubleValue());
    }

    @Test
    void metricsNeedNoCredentials() {
        given().get("/q/metrics").then().statusCode(200);
    }

    private static Map<String, String> tags(Map<String, String> base, String key, String value) {
        Map<String, String> all = new java.util.HashMap<>(base);
        all.put(key, value);
        return all;
    }

    private static PrometheusText scrape() {
        return PrometheusText.parse(given().get("/q/metrics").then().statusCode(200).extract().asString());
    }

    /** Scrapes until {@code name{labels}} is {@code expected}: a job's metrics follow its journal entry closely. */
    private static PrometheusText awaitMetric(String name, Map<String, String> labels, double expected) {
        PrometheusText[] last = new PrometheusText[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            last[0] = scrape();
            assertEquals(expected, last[0].valueOrZero(name, labels), name + labels);
        });
        return last[0];
    }
}
