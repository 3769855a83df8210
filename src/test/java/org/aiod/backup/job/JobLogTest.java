package org.aiod.backup.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The start and end lines of jobs, field by field, whatever the command carried. */
class JobLogTest {

    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

    @Test
    void aBackupStartsAtTheNextLevelAndEndsWithWhatItWrote() {
        Job queued = Job.queued(JobCommand.backup("connectors", null, JobSource.SCHEDULE), T0);
        Job running = queued.started(T0.plusMillis(4));
        assertEquals("job " + queued.jobId() + " started: type=BACKUP dataset=connectors cycle=next level=next"
                + " source=schedule", JobLog.started(running));
        Job done = running.succeeded(T0.plusMillis(5214), 2, 3, 120, 73_400_320, "/b/connectors3.tar.gz",
                List.of("file changed as we read it: x"));
        assertEquals("job " + queued.jobId() + " SUCCEEDED: type=BACKUP dataset=connectors cycle=2 level=3 files=120"
                + " bytes=73400320 durationMs=5210 queuedMs=4 source=schedule warnings=1", JobLog.finished(done));
    }

    @Test
    void aRestoreStartsWithTheCycleAndLevelAskedFor() {
        Job last = Job.queued(JobCommand.restore("connectors", 2L, null, "r-1", JobSource.HTTP), T0).started(T0);
        assertEquals("job " + last.jobId() + " started: type=RESTORE dataset=connectors cycle=2 level=last"
                + " source=http requestId=r-1", JobLog.started(last));
        Job ten = Job.queued(JobCommand.restore("connectors", 2L, 10, null, JobSource.AMQP), T0).started(T0);
        assertEquals("job " + ten.jobId() + " started: type=RESTORE dataset=connectors cycle=2 level=10 source=amqp",
                JobLog.started(ten));
        Job failed = ten.failed(T0.plusSeconds(10), new JobError(ErrorCode.LOCK_TIMEOUT, "dataset 'connectors' is busy"));
        assertEquals("job " + ten.jobId() + " FAILED: type=RESTORE dataset=connectors cycle=2 level=10 files=- bytes=-"
                + " durationMs=10000 queuedMs=0 source=amqp error=LOCK_TIMEOUT message=\"dataset 'connectors' is"
                + " busy\"", JobLog.finished(failed));
    }

    @Test
    void aRejectedCommandIsOneLineWhateverItCarries() {
        Job rejected = Job.rejected(new JobCommand.Backup("evil\nname \"x\"", null, null,
                JobSource.AMQP), T0, new JobError(ErrorCode.INVALID_DATASET, "invalid dataset name\r\n\u0007"));
        String line = JobLog.finished(rejected);
        assertEquals("job " + rejected.jobId() + " REJECTED: type=BACKUP dataset=\"evil\\nname \\\"x\\\"\" cycle=-"
                + " level=- source=amqp error=INVALID_DATASET message=\"invalid dataset name\\r\\n\\u0007\"", line);
        assertFalse(line.contains("\n") || line.contains("\r"));
    }

    /**
     * The service logs every job it finds in the journal another process shares; one still running there (started,
     * not finished) has no duration yet. Computing one threw, and the throw ended the journal's refresh.
     */
    @Test
    void aJobStillRunningElsewhereHasNoDurationYet() {
        Job running = Job.queued(JobCommand.backup("connectors", null, JobSource.CLI), T0).started(T0.plusMillis(7));
        assertEquals("job " + running.jobId() + " RUNNING: type=BACKUP dataset=connectors cycle=- level=- files=-"
                + " bytes=- durationMs=- queuedMs=7 source=cli", JobLog.finished(running));
    }

    @Test
    void plainValuesStayBareOthersAreQuoted() {
        assertEquals("-", JobLog.value(null));
        assertEquals("a-b_c.d", JobLog.value("a-b_c.d"));
        assertEquals("\"two words\"", JobLog.value("two words"));
        assertEquals("\"\"", JobLog.value(""));
        assertEquals("\"back\\\\slash\"", JobLog.value("back\\slash"));
    }
}
