package org.aiod.backup.api;

import static org.aiod.backup.api.HttpTesting.as;
import static org.aiod.backup.api.HttpTesting.awaitFinal;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.engine.testing.TreeSnapshot;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A backup and restores over HTTP, the views of what they left, and request ids. */
@QuarkusTest
class RoundTripHttpTest {

    private static final String DATASET = HttpTesting.uniqueName("http-roundtrip");
    private static final String IDEMPOTENT = HttpTesting.uniqueName("http-idempotent");

    @Inject
    BackupConfig config;

    @AfterAll
    static void removeDatasets() throws IOException {
        HttpTesting.removeDatasets();
    }

    @Test
    void backupThenRestoreOverHttp() throws IOException {
        Path data = HttpTesting.freshDataset(config, DATASET);
        Trees.write(data.resolve("a.txt"), "alpha");
        Trees.write(data.resolve("sub/b.bin"), Trees.randomBytes(1, 100_000));
        Trees.symlink(data.resolve("sub/link"), "../a.txt");
        TreeSnapshot level0 = TreeSnapshot.of(data);

        Response accepted = as("operator").body(Map.of("dataset", DATASET)).post("/api/backups");
        accepted.then().statusCode(202)
                .contentType("application/json")
                .body("type", equalTo("BACKUP"), "dataset", equalTo(DATASET), "source", equalTo("http"),
                        "jobId", notNullValue(), "queuedAt", notNullValue());
        String backup = accepted.path("jobId");
        accepted.then().header("Location", endsWith("/api/jobs/" + backup));
        JsonPath done = awaitFinal(backup);
        assertEquals("SUCCEEDED", done.getString("status"), done.prettify());
        assertEquals(0, done.getLong("cycle"));
        assertEquals(0, done.getInt("level"));

        as("viewer").get("/api/datasets/{name}", DATASET).then().statusCode(200)
                .body("name", equalTo(DATASET),
                        "cycles[0].cycle", equalTo(0), "cycles[0].lastLevel", equalTo(0),
                        "cycles[0].bytes", greaterThan(0),
                        "cycles[0].levels[0].level", equalTo(0),
                        "cycles[0].levels[0].archive", matchesPattern(DATASET + "0\\.tar\\.(gz|zst)"),
                        "cycles[0].levels[0].size", greaterThan(0),
                        "cycles[0].levels[0].modified", notNullValue(),
                        "cycles[0].levels[0].sha256", matchesPattern("[0-9a-f]{64}"),
                        "cycles[0].levels[0].checksum", equalTo("listed"));
        as("viewer").get("/api/datasets").then().statusCode(200)
                .body("name", hasItem(DATASET),
                        "find { it.name == '" + DATASET + "' }.cycles[0].levels", equalTo(1),
                        "find { it.name == '" + DATASET + "' }.cycles[0].lastLevel", equalTo(0),
                        "find { it.name == '" + DATASET + "' }.cycles[0].firstAt", notNullValue());

        Trees.tick(config.dataRoot().getParent());
        Trees.write(data.resolve("a.txt"), "alpha, changed");
        Files.delete(data.resolve("sub/b.bin"));
        Trees.write(data.resolve("c.txt"), "new");
        String second = as("admin").body(Map.of("dataset", DATASET)).post("/api/backups")
                .then().statusCode(202).extract().path("jobId");
        assertEquals(1, awaitFinal(second).getInt("level"));
        TreeSnapshot level1 = TreeSnapshot.of(data);

        Trees.tick(config.dataRoot().getParent());
        Trees.write(data.resolve("a.txt"), "changed after the last backup");
        Trees.write(data.resolve("d.txt"), "not in any backup");

        restore(Map.of("dataset", DATASET, "cycle", 0, "level", 0));
        TreeSnapshot.of(data).assertSameAs(level0, "the tree restored to level 0 over HTTP");
        restore(Map.of("dataset", DATASET, "cycle", 0));
        TreeSnapshot.of(data).assertSameAs(level1, "the tree restored to the last level over HTTP");

        as("viewer").queryParam("dataset", DATASET).get("/api/jobs").then().statusCode(200)
                .body("size()", equalTo(4), "dataset", everyItem(equalTo(DATASET)),
                        "[0].type", equalTo("RESTORE"), "[3].jobId", equalTo(backup));
        as("viewer").queryParam("dataset", DATASET).queryParam("status", "succeeded").get("/api/jobs")
                .then().statusCode(200).body("size()", equalTo(4));
        as("viewer").queryParam("dataset", DATASET).queryParam("status", "QUEUED").get("/api/jobs")
                .then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void theSameRequestIdAnswersTheSameJob() throws IOException {
        Trees.write(HttpTesting.freshDataset(config, IDEMPOTENT).resolve("f"), "x");
        String requestId = "req-" + UUID.randomUUID();
        Map<String, String> body = Map.of("dataset", IDEMPOTENT, "requestId", requestId);

        String first = as("operator").body(body).post("/api/backups").then().statusCode(202)
                .body("requestId", equalTo(requestId)).extract().path("jobId");
        as("operator").body(body).post("/api/backups").then().statusCode(200)
                .header("Location", endsWith("/api/jobs/" + first))
                .body("jobId", equalTo(first));
        assertEquals("SUCCEEDED", awaitFinal(first).getString("status"));
        as("operator").body(body).post("/api/backups").then().statusCode(200)
                .body("jobId", equalTo(first), "status", equalTo("SUCCEEDED"));
        as("viewer").queryParam("dataset", IDEMPOTENT).get("/api/jobs").then()
                .body("size()", equalTo(1), "[0].jobId", equalTo(first));

        // the same id for another command is a conflict, not the first job
        as("admin").body(Map.of("dataset", IDEMPOTENT, "cycle", 0, "requestId", requestId)).post("/api/restores")
                .then().statusCode(409).contentType(Problem.MEDIA_TYPE)
                .body("code", equalTo("REQUEST_ID_CONFLICT"), "jobId", equalTo(first));
    }

    private static void restore(Map<String, Object> body) {
        Response accepted = as("admin").body(body).post("/api/restores");
        accepted.then().statusCode(202).body("type", equalTo("RESTORE"), "source", equalTo("http"));
        String id = accepted.path("jobId");
        accepted.then().header("Location", endsWith("/api/jobs/" + id));
        JsonPath done = awaitFinal(id);
        assertEquals("SUCCEEDED", done.getString("status"), done.prettify());
    }
}
