package org.aiod.backup.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.engine.testing.Trees;

/** What the HTTP tests share: callers with the test profile's users, fresh datasets, waiting for a job's end. */
final class HttpTesting {

    private static final Set<String> FINAL = Set.of("SUCCEEDED", "PARTIAL", "FAILED", "REJECTED");
    private static final List<Path> CREATED = new CopyOnWriteArrayList<>();

    private HttpTesting() {
    }

    /** A JSON request as {@code user} (viewer, operator or admin: the password is the name). */
    static RequestSpecification as(String user) {
        return given().auth().preemptive().basic(user, user).contentType(ContentType.JSON);
    }

    /**
     * A dataset name of this run: the journal outlives runs, so a name of its own keeps a test from seeing the jobs
     * of an earlier run.
     */
    static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** {@code <data-root>/<name>}, emptied, with its backups from earlier runs removed. */
    static Path freshDataset(BackupConfig config, String name) throws IOException {
        Path backups = config.backupRoot().resolve(name);
        Path dir = config.dataRoot().resolve(name);
        Trees.deleteRecursively(backups);
        Trees.deleteRecursively(dir);
        CREATED.add(backups);
        CREATED.add(dir);
        return Files.createDirectories(dir);
    }

    /** Removes every dataset {@link #freshDataset} made, and its backups, so later test classes do not see them. */
    static void removeDatasets() throws IOException {
        for (Path path : CREATED) {
            Trees.deleteRecursively(path);
        }
        CREATED.clear();
    }

    /** Polls {@code GET /api/jobs/{id}} until the job is in a final state; returns it. */
    static JsonPath awaitFinal(String jobId) {
        JsonPath[] job = new JsonPath[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            job[0] = as("viewer").get("/api/jobs/{id}", jobId).then().statusCode(200).extract().jsonPath();
            return FINAL.contains(job[0].getString("status"));
        });
        return job[0];
    }

    /** Polls {@code GET /api/jobs/{id}} until the job has {@code status}. */
    static void awaitStatus(String jobId, String status) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> status.equals(
                as("viewer").get("/api/jobs/{id}", jobId).then().statusCode(200).extract().path("status")));
    }
}
