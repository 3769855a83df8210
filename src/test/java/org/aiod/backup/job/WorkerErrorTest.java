package org.aiod.backup.job;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;

import jakarta.inject.Inject;

import org.aiod.backup.catalog.DatasetCatalog;
import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.engine.Engine;
import org.aiod.backup.engine.ProgressListener;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A worker whose run throws an {@link Error} (here a {@link StackOverflowError}, as a runaway recursion would): its
 * job ends {@code FAILED} with code {@code INTERNAL_ERROR} instead of staying {@code RUNNING} forever, it is
 * counted, liveness reports the dead worker, and the next job still runs. The Error comes from the job runner (the
 * engine's caller) so that the job service's handling of it is what is tested; the engine runs for real for every
 * other dataset. Its own profile, since liveness stays down for the rest of the process's life.
 */
@QuarkusTest
@TestProfile(WorkerErrorTest.OwnProcess.class)
class WorkerErrorTest {

    static final Path ROOT = Path.of("target/worker-error-test").toAbsolutePath();
    static final String DYING = "dying";

    public static class OwnProcess implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("backup.data-root", ROOT.resolve("data").toString(),
                    "backup.backup-root", ROOT.resolve("backups").toString());
        }
    }

    /** The real runner, except that running a job of dataset {@value #DYING} overflows the stack. */
    static final class DyingRunner extends JobRunner {
        DyingRunner(Engine engine, DatasetCatalog catalog, BackupConfig config, JobMetrics metrics) {
            super(engine, catalog, config, metrics);
        }

        @Override
        Job run(Job job, ProgressListener progress) {
            if (DYING.equals(job.dataset())) {
                throw new StackOverflowError("runaway recursion in a test");
            }
            return super.run(job, progress);
        }
    }

    @Inject
    Engine engine;
    @Inject
    DatasetCatalog catalog;
    @Inject
    BackupConfig config;
    @Inject
    JobMetrics metrics;

    @BeforeEach
    void dyingRunner() throws IOException {
        QuarkusMock.installMockForType(new DyingRunner(engine, catalog, config, metrics), JobRunner.class);
        for (String dataset : new String[] {DYING, "living"}) {
            Path dir = config.dataRoot().resolve(dataset);
            if (Files.exists(dir)) {
                try (var paths = Files.walk(dir)) {
                    for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("file.txt"), "content of " + dataset);
        }
    }

    @Test
    void anErrorInAWorkerFailsItsJobAndTakesLivenessDown() {
        given().when().get("/q/health/live").then().statusCode(200);
        String jobId = given().auth().preemptive().basic("operator", "operator").contentType("application/json")
                .body("{\"dataset\":\"" + DYING + "\"}").post("/api/backups").then().statusCode(202)
                .extract().path("jobId");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().preemptive()
                .basic("viewer", "viewer").get("/api/jobs/" + jobId).then()
                .statusCode(200)
                .body("status", equalTo("FAILED"))
                .body("error.code", equalTo("INTERNAL_ERROR"))
                .body("error.message", containsString("StackOverflowError"))
                .body("finishedAt", org.hamcrest.Matchers.notNullValue()));
        given().when().get("/q/metrics").then().statusCode(200).body(containsString(
                "backup_jobs_total{dataset=\"" + DYING + "\",status=\"failed\",type=\"backup\"} 1.0"));
        given().when().get("/q/health/live").then().statusCode(503)
                .body("checks.find { it.name == 'worker-pool' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'worker-pool' }.data.reason", containsString("StackOverflowError"))
                .body("checks.find { it.name == 'worker-pool' }.data.reason", containsString(jobId));
        // the pool still runs jobs: the process only asks to be restarted
        String next = given().auth().preemptive().basic("operator", "operator").contentType("application/json")
                .body("{\"dataset\":\"living\"}").post("/api/backups").then().statusCode(202)
                .extract().path("jobId");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().preemptive()
                .basic("viewer", "viewer").get("/api/jobs/" + next).then()
                .body("status", equalTo("SUCCEEDED")));
        given().auth().preemptive().basic("viewer", "viewer").get("/api/jobs?dataset=" + DYING).then()
                .body("status", hasItem("FAILED"));
    }
}
