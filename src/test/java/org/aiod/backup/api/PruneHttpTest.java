package org.aiod.backup.api;

import static org.aiod.backup.api.HttpTesting.as;
import static org.aiod.backup.api.HttpTesting.awaitFinal;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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

/** {@code POST /api/prunes}: a dry run lists and changes nothing, a real prune removes whole cycles; roles. */
@QuarkusTest
@TestProfile(LifecycleProfile.class)
class PruneHttpTest {

    @Inject
    BackupConfig config;

    @AfterAll
    static void removeDatasets() throws IOException {
        HttpTesting.removeDatasets();
    }

    /** Three backups, each a cycle of its own (cycle length 1): cycles 0, 1 and 2. */
    private String threeCycles() throws IOException {
        String dataset = HttpTesting.uniqueName("http-prune");
        Path data = HttpTesting.freshDataset(config, dataset);
        for (int i = 0; i < 3; i++) {
            Trees.write(data.resolve("f" + i + ".bin"), Trees.randomBytes(i, 10_000));
            String job = as("operator").body(Map.of("dataset", dataset)).post("/api/backups").then().statusCode(202)
                    .extract().path("jobId");
            assertEquals("SUCCEEDED", awaitFinal(job).getString("status"));
        }
        return dataset;
    }

    private List<String> cycleDirs(String dataset) throws IOException {
        try (var list = Files.list(config.backupRoot().resolve(dataset))) {
            return list.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(dataset + "_")).sorted()
                    .toList();
        }
    }

    @Test
    void aDryRunListsTheCyclesAndBytesAndChangesNothing() throws IOException {
        String dataset = threeCycles();
        List<String> before = cycleDirs(dataset);
        assertEquals(List.of(dataset + "_0", dataset + "_1", dataset + "_2"), before);

        String job = as("admin").body(Map.of("dataset", dataset, "dryRun", true)).post("/api/prunes").then()
                .statusCode(202).body("type", equalTo("PRUNE"), "prune.dryRun", equalTo(true)).extract()
                .path("jobId");
        JsonPath done = awaitFinal(job);
        assertEquals("SUCCEEDED", done.getString("status"), done.prettify());
        assertEquals(true, done.getBoolean("prune.dryRun"));
        assertEquals(List.of(0, 1), done.getList("prune.removed.cycle"), done.prettify());
        long freed = done.getLong("prune.bytesFreed");
        assertTrue(freed > 0, done.prettify());
        assertEquals(freed, done.getLong("prune.removed[0].bytes") + done.getLong("prune.removed[1].bytes"));
        assertEquals(1, done.getInt("prune.removed[0].levels"));
        assertEquals(List.of(2), done.getList("prune.kept.cycle"), done.prettify());
        assertFalse(done.getList("prune.kept[0].reasons").isEmpty(), done.prettify());
        assertEquals(before, cycleDirs(dataset), "a dry run removed something");
    }

    @Test
    void aPruneRemovesTheCyclesTheRetentionDoesNotKeep() throws IOException {
        String dataset = threeCycles();
        String job = as("admin").body(Map.of("dataset", dataset)).post("/api/prunes").then().statusCode(202)
                .body("prune.dryRun", equalTo(false)).extract().path("jobId");
        JsonPath done = awaitFinal(job);
        assertEquals("SUCCEEDED", done.getString("status"), done.prettify());
        assertEquals(false, done.getBoolean("prune.dryRun"));
        assertEquals(List.of(0, 1), done.getList("prune.removed.cycle"), done.prettify());
        assertEquals(List.of(dataset + "_2"), cycleDirs(dataset));
        as("viewer").get("/api/datasets/{name}", dataset).then().statusCode(200).body("cycles.cycle", equalTo(List.of(2)));
    }

    /**
     * No dataset: one prune job per managed dataset, answered 202 with the array of the jobs (request id
     * {@code <requestId>:<dataset>}, no Location); the same request again answers the same jobs with 200.
     */
    @Test
    void aPruneWithoutDatasetPrunesEveryDatasetAndAnswersItsJobs() throws IOException {
        String first = threeCycles();
        String second = threeCycles();
        String requestId = "all-" + System.nanoTime();

        io.restassured.response.Response answer = as("admin").body(Map.of("requestId", requestId))
                .post("/api/prunes");
        answer.then().statusCode(202).header("Location", org.hamcrest.Matchers.nullValue());
        JsonPath jobs = answer.jsonPath();
        for (String dataset : List.of(first, second)) {
            Map<String, Object> job = jobs.getMap("find { it.dataset == '" + dataset + "' }");
            assertEquals("PRUNE", job.get("type"), jobs.prettify());
            assertEquals(requestId + ":" + dataset, job.get("requestId"), jobs.prettify());
            JsonPath done = awaitFinal((String) job.get("jobId"));
            assertEquals("SUCCEEDED", done.getString("status"), done.prettify());
            assertEquals(List.of(0, 1), done.getList("prune.removed.cycle"), done.prettify());
            assertEquals(List.of(dataset + "_2"), cycleDirs(dataset));
        }
        assertEquals(jobs.getList("dataset").size(), jobs.getList("jobId").stream().distinct().count());

        // the same request again: answered from the journal, nothing run twice
        io.restassured.response.Response again = as("admin").body(Map.of("requestId", requestId))
                .post("/api/prunes");
        again.then().statusCode(200);
        assertEquals(jobs.getList("jobId"), again.jsonPath().getList("jobId"));
    }

    @Test
    void onlyTheAdminMayPrune() throws IOException {
        String dataset = HttpTesting.uniqueName("http-prune-roles");
        HttpTesting.freshDataset(config, dataset);
        RestAssured.given().contentType("application/json").body(Map.of("dataset", dataset)).post("/api/prunes")
                .then().statusCode(401).contentType(startsWith("application/problem+json"));
        for (String user : List.of("viewer", "operator")) {
            as(user).body(Map.of("dataset", dataset, "dryRun", true)).post("/api/prunes").then().statusCode(403)
                    .contentType(startsWith("application/problem+json")).body("code", equalTo("FORBIDDEN"));
        }
    }

    @Test
    void badBodiesAreProblems() {
        as("admin").body("{\"dataset\":\"x\",\"dryRun\":\"yes\"}").post("/api/prunes").then().statusCode(400)
                .contentType(startsWith("application/problem+json")).body("code", equalTo("INVALID_BODY"));
        as("admin").body("{\"dataset\":\"x\",\"cycle\":1}").post("/api/prunes").then().statusCode(400)
                .body("code", equalTo("INVALID_BODY"));
        as("admin").body(Map.of("dataset", "no-such-dataset-" + System.nanoTime())).post("/api/prunes").then()
                .statusCode(404).body("code", equalTo("UNKNOWN_DATASET"));
    }
}
