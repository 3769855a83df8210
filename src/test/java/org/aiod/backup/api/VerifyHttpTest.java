package org.aiod.backup.api;

import static org.aiod.backup.api.HttpTesting.as;
import static org.aiod.backup.api.HttpTesting.awaitFinal;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** {@code POST /api/verifications}: both depths, damage found ends FAILED with the per-level results; roles; bad depth. */
@QuarkusTest
@TestProfile(LifecycleProfile.class)
class VerifyHttpTest {

    @Inject
    BackupConfig config;

    @AfterAll
    static void removeDatasets() throws IOException {
        HttpTesting.removeDatasets();
    }

    private String backedUp() throws IOException {
        String dataset = HttpTesting.uniqueName("http-verify");
        Path data = HttpTesting.freshDataset(config, dataset);
        Trees.write(data.resolve("a.bin"), Trees.randomBytes(7, 50_000));
        String job = as("operator").body(Map.of("dataset", dataset)).post("/api/backups").then().statusCode(202)
                .extract().path("jobId");
        assertEquals("SUCCEEDED", awaitFinal(job).getString("status"));
        return dataset;
    }

    @Test
    void aDrillOfAGoodDatasetSucceedsWithEachLevelAndTheDrill() throws IOException {
        String dataset = backedUp();
        String job = as("operator").body(Map.of("dataset", dataset, "depth", "drill")).post("/api/verifications").then()
                .statusCode(202).body("type", equalTo("VERIFY"), "verify.depth", equalTo("drill")).extract()
                .path("jobId");
        JsonPath done = awaitFinal(job);
        assertEquals("SUCCEEDED", done.getString("status"), done.prettify());
        assertEquals("drill", done.getString("verify.depth"));
        assertEquals(List.of("OK"), done.getList("verify.levels.status"), done.prettify());
        assertEquals(true, done.getBoolean("verify.drill.passed"), done.prettify());
        assertEquals(1L, done.getLong("verify.drill.files"));
    }

    @Test
    void aCorruptArchiveEndsFailedWithVerifyFailedAndThePerLevelResults() throws IOException {
        String dataset = backedUp();
        Path archive;
        try (var files = Files.walk(config.backupRoot().resolve(dataset))) {
            archive = files.filter(p -> p.getFileName().toString().matches(".*\\.tar\\.(gz|zst)")).findFirst()
                    .orElseThrow();
        }
        try (RandomAccessFile file = new RandomAccessFile(archive.toFile(), "rw")) {
            file.seek(file.length() / 2);
            int b = file.read();
            file.seek(file.length() / 2);
            file.write(b ^ 0xff);
        }
        // no depth: checksums
        String job = as("admin").body(Map.of("dataset", dataset)).post("/api/verifications").then().statusCode(202)
                .body("verify.depth", equalTo("checksums")).extract().path("jobId");
        JsonPath done = awaitFinal(job);
        assertEquals("FAILED", done.getString("status"), done.prettify());
        assertEquals("VERIFY_FAILED", done.getString("error.code"));
        assertEquals(List.of("CORRUPT"), done.getList("verify.levels.status"), done.prettify());
        assertTrue(done.getString("error.message").contains("1 of 1 archives corrupt"), done.prettify());
    }

    @Test
    void anUnknownDepthIsA400ProblemAndNothingRuns() throws IOException {
        String dataset = HttpTesting.uniqueName("http-verify-depth");
        HttpTesting.freshDataset(config, dataset);
        as("operator").body(Map.of("dataset", dataset, "depth", "deep")).post("/api/verifications").then().statusCode(400)
                .contentType(startsWith("application/problem+json"))
                .body("code", equalTo("INVALID_COMMAND"), "detail", containsString("depth must be checksums or drill"),
                        "jobId", org.hamcrest.Matchers.notNullValue());
        as("operator").body("{\"dataset\":\"x\",\"depth\":2}").post("/api/verifications").then().statusCode(400)
                .body("code", equalTo("INVALID_BODY"));
    }

    /** The contract's name is /api/verifications; the name this route had before it was released is not served. */
    @Test
    void verificationsIsTheRouteAndVerifiesIsNot() throws IOException {
        String dataset = HttpTesting.uniqueName("http-verify-route");
        HttpTesting.freshDataset(config, dataset);
        as("operator").body(Map.of("dataset", dataset)).post("/api/verifies").then().statusCode(404);
        String job = as("operator").body(Map.of("dataset", dataset)).post("/api/verifications").then()
                .statusCode(202).header("Location", startsWith("/api/jobs/")).body("type", equalTo("VERIFY"))
                .extract().path("jobId");
        assertEquals("VERIFY", awaitFinal(job).getString("type"));
    }

    @Test
    void aViewerMayNotVerify() throws IOException {
        String dataset = HttpTesting.uniqueName("http-verify-roles");
        HttpTesting.freshDataset(config, dataset);
        RestAssured.given().contentType("application/json").body(Map.of("dataset", dataset)).post("/api/verifications")
                .then().statusCode(401);
        as("viewer").body(Map.of("dataset", dataset)).post("/api/verifications").then().statusCode(403)
                .contentType(startsWith("application/problem+json")).body("code", equalTo("FORBIDDEN"));
    }
}
