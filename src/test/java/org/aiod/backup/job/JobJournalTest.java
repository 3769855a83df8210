package org.aiod.backup.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal survives a restart, answers by request and message id, and prunes the oldest finished jobs. */
class JobJournalTest {

    @TempDir
    Path tmp;

    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    @Test
    void aReloadedJournalHoldsEveryJobAsLastSaved() throws Exception {
        JobJournal journal = new JobJournal(tmp, json, 100);
        journal.load();
        Job queued = Job.queued(JobCommand.restore("x", 2L, 10, "req-1", JobSource.AMQP).withMessageId("m-1"),
                Instant.parse("2026-11-26T01:00:00Z"));
        journal.save(queued);
        Job done = queued.started(Instant.parse("2026-11-26T01:00:01Z"))
                .succeeded(Instant.parse("2026-11-26T01:00:02Z"), 2, 10, 5, 500, null, List.of("a warning"));
        journal.save(done);
        Job rejected = Job.rejected(JobCommand.backup("y", null, JobSource.HTTP), Instant.now(),
                new JobError(ErrorCode.UNKNOWN_DATASET, "unknown dataset 'y'"));
        journal.save(rejected);

        JobJournal reloaded = new JobJournal(tmp, json, 100);
        List<Job> jobs = reloaded.load();
        assertEquals(List.of(done, rejected), jobs);
        assertEquals(done, reloaded.findByRequestId("req-1").orElseThrow());
        assertEquals(done, reloaded.findByMessageId("m-1").orElseThrow());
        assertEquals(List.of(rejected, done), reloaded.list(job -> true), "newest first");
        try (var files = Files.list(tmp)) {
            assertTrue(files.allMatch(f -> f.toString().endsWith(".json")), "no temporary files left");
        }
    }

    @Test
    void theOldestFinishedJobsArePrunedButUnfinishedOnesAreKept() throws Exception {
        JobJournal journal = new JobJournal(tmp, json, 2);
        journal.load();
        Job waiting = Job.queued(JobCommand.backup("x", "waiting", JobSource.HTTP), Instant.parse("2026-01-01T00:00:00Z"));
        journal.save(waiting);
        for (int i = 0; i < 4; i++) {
            journal.save(Job.rejected(JobCommand.backup("x", "r" + i, JobSource.HTTP),
                    Instant.parse("2026-01-0" + (i + 2) + "T00:00:00Z"), new JobError(ErrorCode.INVALID_COMMAND, "x")));
        }
        List<Job> reloaded = new JobJournal(tmp, json, 2).load();
        assertEquals(List.of("waiting", "r2", "r3"), reloaded.stream().map(Job::requestId).toList());
        assertTrue(journal.findByRequestId("r0").isEmpty());
    }

    @Test
    void aRestoreKeepsItsOptionsAndPlanAndTodaysFilesStillLoad() throws Exception {
        JobJournal journal = new JobJournal(tmp, json, 100);
        journal.load();
        RestoreOptions options = new RestoreOptions("/opt/restore/x", true, List.of("a"), "2026-11-26T00:00:00Z", true);
        Job queued = Job.queued(JobCommand.restore("x", null, null, options, "req-2", JobSource.HTTP),
                Instant.parse("2026-11-26T01:00:00Z"));
        JobPlan plan = new JobPlan(new JobPlan.Change(1, 5, List.of("a")), new JobPlan.Change(0, 0, List.of()),
                new JobPlan.Change(0, 0, List.of()), 0, 0, 0);
        Job done = queued.started(Instant.parse("2026-11-26T01:00:01Z"))
                .planned(Instant.parse("2026-11-26T01:00:02Z"), 3, 1, List.of(), plan);
        journal.save(done);
        // a journal file as this service wrote it before restore options existed
        String today = "{\"jobId\":\"j-old\",\"requestId\":null,\"messageId\":null,\"type\":\"RESTORE\","
                + "\"dataset\":\"x\",\"cycle\":2,\"level\":null,\"source\":\"http\",\"status\":\"QUEUED\","
                + "\"queuedAt\":\"2026-11-25T01:00:00Z\",\"startedAt\":null,\"finishedAt\":null,\"files\":null,"
                + "\"bytes\":null,\"archive\":null,\"error\":null,\"warnings\":[],\"missed\":null}";
        Files.writeString(tmp.resolve("j-old.json"), today);

        List<Job> jobs = new JobJournal(tmp, json, 100).load();
        Job reloaded = jobs.stream().filter(j -> j.jobId().equals(done.jobId())).findFirst().orElseThrow();
        assertEquals(done, reloaded);
        assertEquals(options, reloaded.options());
        assertEquals(3L, reloaded.cycle(), "the cycle the restore by at chose");
        Job old = jobs.stream().filter(j -> j.jobId().equals("j-old")).findFirst().orElseThrow();
        assertEquals(null, old.options());
        assertEquals(RestoreOptions.NONE, old.restoreOptions());
        // and a job without options is written as it always was: no new field appears
        String written = json.writeValueAsString(old);
        assertTrue(!written.contains("options") && !written.contains("plan"), written);
    }

    @Test
    void pruningADryRunRemovesItsPlanFilesAndKeepsTheOthers() throws Exception {
        Path journalDir = tmp.resolve("jobs");
        JobJournal journal = new JobJournal(journalDir, json, 1);
        journal.load();
        PlanFiles plans = new PlanFiles(PlanFiles.beside(journalDir));
        org.aiod.backup.engine.RestorePlan whole = new org.aiod.backup.engine.RestorePlan(
                new org.aiod.backup.engine.RestorePlan.Change(2, 2, List.of("a", "b")),
                new org.aiod.backup.engine.RestorePlan.Change(0, 0, List.of()),
                new org.aiod.backup.engine.RestorePlan.Change(0, 0, List.of()), 0, 0, 0);
        List<Job> dryRuns = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Job queued = Job.queued(JobCommand.restore("x", 0L, null, RestoreOptions.NONE, "dry" + i,
                    JobSource.HTTP), Instant.parse("2026-11-2" + (i + 1) + "T00:00:00Z"));
            Job dry = queued.started(queued.queuedAt()).planned(queued.queuedAt(), 0, 0, List.of(),
                    JobPlan.of(whole));
            plans.write(dry.jobId(), whole);
            dryRuns.add(dry);
            journal.save(dry);
        }
        assertTrue(journal.find(dryRuns.get(0).jobId()).isEmpty(), "the oldest is pruned");
        assertTrue(plans.page(dryRuns.get(0).jobId(), PlanKind.CREATE, 0, 10).isEmpty(), "with its plan files");
        assertEquals(List.of("b"), plans.page(dryRuns.get(1).jobId(), PlanKind.CREATE, 1, 10).orElseThrow());
        try (var left = Files.list(PlanFiles.beside(journalDir))) {
            assertEquals(3, left.count(), "the kept job's three files, nothing of the pruned one");
        }
    }
}
