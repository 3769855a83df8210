package org.aiod.backup.api;

import static io.restassured.RestAssured.given;
import static org.aiod.backup.api.HttpTesting.as;
import static org.aiod.backup.api.HttpTesting.awaitFinal;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.engine.testing.Trees;
import org.aiod.backup.offsite.S3ProxyTesting;
import org.aiod.backup.testing.PrometheusText;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The service with {@code backup.offsite.bucket} set: a backup's level reaches the store without being asked, the
 * gauges say what waits and what is off-site, and the wellness check {@code backup-offsite} says when the store is
 * unreachable; the level committed meanwhile is uploaded once it is back.
 */
@QuarkusTest
@TestProfile(OffsiteProfile.class)
class OffsiteHttpTest {

    @Inject
    BackupConfig config;

    @AfterAll
    static void removeDatasets() throws IOException {
        HttpTesting.removeDatasets();
    }

    private String backup(String dataset) {
        String job = as("operator").body(Map.of("dataset", dataset)).post("/api/backups").then().statusCode(202)
                .extract().path("jobId");
        assertEquals("SUCCEEDED", awaitFinal(job).getString("status"));
        return job;
    }

    private static PrometheusText metrics() {
        return PrometheusText.parse(given().get("/q/metrics").then().statusCode(200).extract().asString());
    }

    private static JsonPath offsiteCheck() {
        return new JsonPath(given().get("/q/health/well").then().extract().asString());
    }

    @Test
    void levelsGoOffSiteAndAnUnreachableStoreShowsInHealthAndMetricsUntilItIsBack() throws Exception {
        String dataset = HttpTesting.uniqueName("http-offsite");
        Path data = HttpTesting.freshDataset(config, dataset);
        Trees.write(data.resolve("a.bin"), Trees.randomBytes(1, 20_000));
        backup(dataset);
        Path archive = config.backupRoot().resolve(dataset).resolve(dataset + "_0").resolve(dataset + "0.tar.gz");
        long archiveBytes = Files.size(archive);

        await().atMost(Duration.ofSeconds(30)).until(() -> metrics()
                .value("backup_offsite_bytes", Map.of("dataset", dataset)).orElse(-1.0) == archiveBytes);
        PrometheusText uploaded = metrics();
        assertEquals(0.0, uploaded.value("backup_offsite_pending_levels", Map.of("dataset", dataset)).orElseThrow());
        assertTrue(uploaded.value("backup_offsite_last_upload_seconds", Map.of()).orElseThrow() > 0);
        assertEquals("UP", offsiteCheck().getString("checks.find { it.name == 'backup-offsite' }.status"));
        JsonPath view = as("viewer").get("/api/datasets/" + dataset).then().statusCode(200).extract().jsonPath();
        assertEquals("uploaded", view.getString("cycles[0].levels[0].offsite.status"));
        assertTrue(view.getString("cycles[0].levels[0].offsite.uploadedAt") != null, view.prettify());

        S3ProxyTesting.down();
        try {
            Trees.write(data.resolve("b.bin"), Trees.randomBytes(2, 20_000));
            backup(dataset); // a backup does not wait for the store
            await().atMost(Duration.ofSeconds(30)).until(() -> metrics()
                    .value("backup_offsite_pending_levels", Map.of("dataset", dataset)).orElse(0.0) == 1.0);
            assertTrue(metrics().value("backup_offsite_oldest_pending_age_seconds", Map.of()).orElseThrow() >= 0);
            await().atMost(Duration.ofSeconds(30)).until(() -> "failed".equals(as("viewer")
                    .get("/api/datasets/" + dataset).then().statusCode(200).extract().jsonPath()
                    .getString("cycles[0].levels[1].offsite.status")));
            JsonPath failed = as("viewer").get("/api/datasets/" + dataset).then().extract().jsonPath();
            assertTrue(failed.getInt("cycles[0].levels[1].offsite.attempts") >= 1, failed.prettify());
            assertTrue(failed.getString("cycles[0].levels[1].offsite.reason").contains(dataset + "1.tar.gz"),
                    failed.prettify());
            assertTrue(failed.getString("cycles[0].levels[1].offsite.nextAttempt") != null, failed.prettify());
            JsonPath down = offsiteCheck();
            assertEquals("DOWN", down.getString("checks.find { it.name == 'backup-offsite' }.status"));
            assertTrue(down.getString("checks.find { it.name == 'backup-offsite' }.data.reason")
                    .contains("service-offsite"), down.prettify());
        } finally {
            S3ProxyTesting.up();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> metrics()
                .value("backup_offsite_pending_levels", Map.of("dataset", dataset)).orElse(-1.0) == 0.0);
        long both = archiveBytes + Files.size(archive.resolveSibling(dataset + "1.tar.gz"));
        assertEquals((double) both, metrics().value("backup_offsite_bytes", Map.of("dataset", dataset)).orElseThrow());
        assertEquals("uploaded", as("viewer").get("/api/datasets/" + dataset).then().statusCode(200).extract()
                .jsonPath().getString("cycles[0].levels[1].offsite.status"));
        assertEquals("UP", offsiteCheck().getString("checks.find { it.name == 'backup-offsite' }.status"));
    }

    @Test
    void aPruneWithTheStoreDownRemovesTheCycleLocallyAndFromTheStoreOnceItIsBack() throws Exception {
        String dataset = HttpTesting.uniqueName("http-offsite-prune");
        Path data = HttpTesting.freshDataset(config, dataset);
        // two cycles of one level each, written as another process would (the uploader finds them by its scan)
        org.aiod.backup.engine.Engine oneLevelCycles = new org.aiod.backup.engine.Engine(
                org.aiod.backup.engine.EngineOptions.defaults(config.dataRoot(), config.backupRoot())
                        .withStateDir(config.stateDir()).withCycleLength(1));
        for (int i = 0; i < 2; i++) {
            Trees.write(data.resolve("f" + i + ".bin"), Trees.randomBytes(10 + i, 10_000));
            oneLevelCycles.backup(dataset);
        }
        backup(dataset); // level 1 of cycle 1; wakes the uploader
        String cycle0 = "svc/" + dataset + "/" + dataset + "_0/";
        String cycle1 = "svc/" + dataset + "/" + dataset + "_1/";
        await().atMost(Duration.ofSeconds(30)).until(() -> metrics()
                .value("backup_offsite_pending_levels", Map.of("dataset", dataset)).orElse(-1.0) == 0.0
                && S3ProxyTesting.keys("service-offsite", cycle1).size() == 4);
        assertEquals(3, S3ProxyTesting.keys("service-offsite", cycle0).size());

        S3ProxyTesting.down();
        try {
            String job = as("admin").body(Map.of("dataset", dataset)).post("/api/prunes").then().statusCode(202)
                    .extract().path("jobId");
            JsonPath done = awaitFinal(job);
            assertEquals("SUCCEEDED", done.getString("status"), done.prettify());
            assertEquals(java.util.List.of(0), done.getList("prune.removed.cycle"), done.prettify());
            assertEquals("pending", done.getString("prune.removed[0].offsite"), done.prettify());
            assertTrue(Files.notExists(config.backupRoot().resolve(dataset).resolve(dataset + "_0")));
            await().atMost(Duration.ofSeconds(30)).until(() -> metrics()
                    .value("backup_offsite_pending_deletions", Map.of("dataset", dataset)).orElse(-1.0) == 1.0);
            JsonPath down = offsiteCheck();
            assertEquals("DOWN", down.getString("checks.find { it.name == 'backup-offsite' }.status"));
            assertTrue(down.getInt("checks.find { it.name == 'backup-offsite' }.data.pendingDeletions") >= 1,
                    down.prettify());
        } finally {
            S3ProxyTesting.up();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> metrics()
                .value("backup_offsite_pending_deletions", Map.of("dataset", dataset)).orElse(-1.0) == 0.0);
        assertEquals(java.util.List.of(), S3ProxyTesting.keys("service-offsite", cycle0));
        assertEquals(4, S3ProxyTesting.keys("service-offsite", cycle1).size()); // the kept cycle untouched
        await().atMost(Duration.ofSeconds(30)).until(() -> "UP".equals(offsiteCheck()
                .getString("checks.find { it.name == 'backup-offsite' }.status")));
    }
}
