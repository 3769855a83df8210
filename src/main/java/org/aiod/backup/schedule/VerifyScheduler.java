package org.aiod.backup.schedule;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;

import org.aiod.backup.catalog.DatasetCatalog;
import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.health.SelfTestRunner;
import org.aiod.backup.job.JobCommand;
import org.aiod.backup.job.JobService;
import org.aiod.backup.job.JobSource;
import org.aiod.backup.job.JobState;
import org.aiod.backup.job.JobType;
import org.aiod.backup.job.Submission;
import org.jboss.logging.Logger;

/**
 * The periodic verifies: on every trigger of {@code backup.verify.cron} (the syntax of {@code backup.schedule.cron};
 * {@code off}, the default, or {@code disabled} turns it off), one {@code VERIFY} command at
 * {@code backup.verify.depth} per managed dataset goes through {@link JobService#submit} with source
 * {@code schedule}, coalesced as scheduled backups are ({@link BackupRound}): a dataset whose previous scheduled
 * verify is still queued or running gets nothing new, a full queue skips it until the next trigger. Like backups,
 * no trigger runs before the start-up self-test has passed.
 */
@ApplicationScoped
public class VerifyScheduler {

    /** The trigger's identity, by which its next fire time is found ({@code Scheduler.getScheduledJob}). */
    public static final String IDENTITY = "verifies";

    private static final Logger LOG = Logger.getLogger(VerifyScheduler.class);

    private final JobService jobs;
    private final DatasetCatalog catalog;
    private final SelfTestRunner selfTest;
    private final BackupConfig config;

    VerifyScheduler(JobService jobs, DatasetCatalog catalog, SelfTestRunner selfTest, BackupConfig config) {
        this.jobs = jobs;
        this.catalog = catalog;
        this.selfTest = selfTest;
        this.config = config;
    }

    @Scheduled(identity = IDENTITY, cron = "${backup.verify.cron}", timeZone = StartupSettings.SCHEDULE_ZONE,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void onTrigger(ScheduledExecution execution) {
        LOG.debugf("verify schedule fired (scheduled for %s)", execution.getScheduledFireTime());
        trigger();
    }

    /** One trigger: a verify command for each managed dataset whose previous scheduled verify has finished. */
    public synchronized BackupRound.Report trigger() {
        if (!selfTest.state().up()) {
            LOG.infof("scheduled verifies skipped: the start-up self-test has not passed (%s)",
                    selfTest.state().reason());
            return new BackupRound.Report(List.of());
        }
        if (!jobs.isStarted()) {
            LOG.info("scheduled verifies skipped: the job service has not started yet");
            return new BackupRound.Report(List.of());
        }
        List<String> datasets;
        try {
            datasets = catalog.names();
        } catch (RuntimeException e) {
            LOG.errorf("scheduled verifies skipped: the managed datasets cannot be listed: %s", e.getMessage());
            return new BackupRound.Report(List.of());
        }
        String depth = config.verify().depth();
        BackupRound.Report report = BackupRound.run("verify", datasets,
                dataset -> jobs.hasUnfinished(dataset, JobType.VERIFY, JobSource.SCHEDULE),
                dataset -> submit(dataset, depth));
        LOG.infof("verify schedule: %d datasets, %d queued, %d coalesced, %d skipped (queue full), %d rejected, "
                + "%d failed", report.entries().size(), report.count(BackupRound.Outcome.SUBMITTED),
                report.count(BackupRound.Outcome.COALESCED), report.count(BackupRound.Outcome.QUEUE_FULL),
                report.count(BackupRound.Outcome.REJECTED), report.count(BackupRound.Outcome.FAILED));
        return report;
    }

    private BackupRound.Submitted submit(String dataset, String depth) {
        Submission submission = jobs.submit(JobCommand.verify(dataset, depth, null, JobSource.SCHEDULE));
        if (submission.job().status() == JobState.REJECTED) {
            return new BackupRound.Submitted(BackupRound.Outcome.REJECTED, submission.job().error() == null
                    ? "rejected" : submission.job().error().code() + ": " + submission.job().error().message());
        }
        return new BackupRound.Submitted(BackupRound.Outcome.SUBMITTED, submission.job().jobId());
    }
}
