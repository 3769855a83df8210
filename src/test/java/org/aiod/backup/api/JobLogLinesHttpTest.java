package org.aiod.backup.api;

import static org.aiod.backup.api.HttpTesting.as;
import static org.aiod.backup.api.HttpTesting.awaitFinal;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One log line per job start and one per job end, as the running service writes them (captured from the job
 * service's logger): job id, type, dataset, cycle, level, and at the end files, bytes and duration.
 */
@QuarkusTest
class JobLogLinesHttpTest {

    private static final String DATASET = HttpTesting.uniqueName("loglines");
    private static final Logger JOB_LOG = Logger.getLogger("org.aiod.backup.job.JobService");

    @Inject
    BackupConfig config;

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        private final Formatter formatter = new Formatter() {
            @Override
            public String format(LogRecord record) {
                return formatMessage(record);
            }
        };

        @Override
        public void publish(LogRecord record) {
            lines.add(formatter.format(record));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureJobLog() {
        JOB_LOG.addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        JOB_LOG.removeHandler(capture);
    }

    @AfterAll
    static void removeDatasets() throws IOException {
        HttpTesting.removeDatasets();
    }

    @Test
    void aStartAndAnEndLinePerJobWithItsFields() throws IOException {
        Path data = HttpTesting.freshDataset(config, DATASET);
        Trees.write(data.resolve("a.txt"), "alpha");
        Trees.write(data.resolve("b.txt"), "beta!");

        JsonPath backup = awaitFinal(as("operator").body(Map.of("dataset", DATASET, "requestId", "log-" + DATASET))
                .post("/api/backups").then().statusCode(202).extract().path("jobId"));
        String backupId = backup.getString("jobId");
        assertEquals(List.of("job " + backupId + " started: type=BACKUP dataset=" + DATASET
                + " cycle=next level=next source=http requestId=log-" + DATASET), linesOf(backupId, "started"));
        String end = awaitLine(backupId, "SUCCEEDED");
        assertTrue(Pattern.matches("job " + backupId + " SUCCEEDED: type=BACKUP dataset=" + DATASET
                + " cycle=0 level=0 files=2 bytes=10 durationMs=\\d+ queuedMs=\\d+ source=http requestId=log-"
                + DATASET, end), end);

        String restoreId = as("admin").body(Map.of("dataset", DATASET, "cycle", 0, "level", 0))
                .post("/api/restores").then().statusCode(202).extract().path("jobId");
        awaitFinal(restoreId);
        assertEquals(List.of("job " + restoreId + " started: type=RESTORE dataset=" + DATASET
                + " cycle=0 level=0 source=http"), linesOf(restoreId, "started"));
        String restored = awaitLine(restoreId, "SUCCEEDED");
        assertTrue(Pattern.matches("job " + restoreId + " SUCCEEDED: type=RESTORE dataset=" + DATASET
                + " cycle=0 level=0 files=2 bytes=10 durationMs=\\d+ queuedMs=\\d+ source=http", restored), restored);

        String lastLevel = as("admin").body(Map.of("dataset", DATASET, "cycle", 0)).post("/api/restores")
                .then().statusCode(202).extract().path("jobId");
        awaitFinal(lastLevel);
        assertTrue(linesOf(lastLevel, "started").get(0).contains(" cycle=0 level=last "), lines.toString());

        String rejected = as("admin").body(Map.of("dataset", DATASET, "cycle", 7)).post("/api/restores")
                .then().statusCode(404).extract().path("jobId");
        String line = awaitLine(rejected, "REJECTED");
        assertEquals("job " + rejected + " REJECTED: type=RESTORE dataset=" + DATASET + " cycle=7 level=- source=http"
                + " error=NO_SUCH_CYCLE message=\"dataset '" + DATASET + "' has no cycle 7\"", line);
        assertTrue(linesOf(rejected, "started").isEmpty(), "a rejected job never starts");
    }

    private List<String> linesOf(String jobId, String what) {
        return lines.stream().filter(l -> l.startsWith("job " + jobId + " " + what + ":")).toList();
    }

    /** The end line is written just after the journal entry the HTTP poll sees: wait for it. */
    private String awaitLine(String jobId, String status) {
        await().atMost(Duration.ofSeconds(30)).until(() -> linesOf(jobId, status).size() == 1);
        return linesOf(jobId, status).get(0);
    }
}
