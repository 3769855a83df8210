package org.aiod.backup.schedule;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;

import org.aiod.backup.catalog.DatasetCatalog;
import org.aiod.backup.health.SelfTestRunner;
import org.aiod.backup.job.JobCommand;
import org.aiod.backup.job.JobService;
import org.aiod.backup.job.JobSource;
import org.aiod.backup.job.JobState;
import org.aiod.backup.job.JobType;
import org.aiod.backup.job.Submission;
import org.jboss.logging.Logger;

/**
 * The periodic backups: on every trigger of {@code backup.schedule.cron} (Quarkus cron syntax, seconds first;
 * {@code off} or {@code disabled} turns the trigger off), one backup command per managed dataset goes through
 * {@link JobService#submit}, the path of every command, with source {@code schedule}. A dataset whose previous
 * scheduled backup is still queued or running is coalesced; a full queue skips the dataset until the next trigger.
 * <p>
 * As the legacy container ran its tests before starting cron, triggers are skipped until the start-up self-test has
 * passed (immediately when it is disabled); after a failed self-test they stay skipped, and the startup probe says why.
 * Counted in {@code backup.schedule.triggers} (by {@code result}) and {@code backup.schedule.datasets} (by
 * {@code outcome}).
 */
@ApplicationScoped
public class BackupScheduler {

    /** The trigger's identity, by which its next fire time is found ({@code Scheduler.getScheduledJob}). */
    public static final String IDENTITY = "backups";

    private static final Logger LOG = Logger.getLogger(BackupScheduler.class);

    private final JobService jobs;
    private final DatasetCatalog catalog;
    private final SelfTestRunner selfTest;
    private final MeterRegistry registry;

    BackupScheduler(JobService jobs, DatasetCatalog catalog, SelfTestRunner selfTest, MeterRegistry registry) {
        this.jobs = jobs;
        this.catalog = catalog;
        this.selfTest = selfTest;
        this.registry = registry;
    }

    @Scheduled(identity = IDENTITY, cron = "${backup.schedule.cron}", timeZone = StartupSettings.SCHEDULE_ZONE,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void onTrigger(ScheduledExecution execution) {
        LOG.debugf("backup schedule fired (scheduled for %s)", execution.getScheduledFireTime());
        trigger();
    }

    /**
     * One trigger: a backup command for each managed dataset, unless its previous scheduled backup is unfinished.
     * Synchronized: rounds never overlap, whether fired by the schedule or called directly, which is what makes the
     * unfinished check and the submission that follows it race-free (rounds are the only source of scheduled jobs).
     *
     * @return what became of each dataset; empty when the round was skipped as a whole
     */
    public synchronized BackupRound.Report trigger() {
        SelfTestRunner.State state = selfTest.state();
        if (!state.up()) {
            count("skipped");
            if (state.status() == SelfTestRunner.Status.FAILED) {
                LOG.warnf("scheduled backups skipped: the start-up self-test failed (%s)", state.reason());
            } else {
                LOG.infof("scheduled backups skipped: the start-up self-test has not passed yet (%s)", state.reason());
            }
            return new BackupRound.Report(List.of());
        }
        if (!jobs.isStarted()) {
            count("skipped");
            LOG.info("scheduled backups skipped: the job service has not started yet");
            return new BackupRound.Report(List.of());
        }
        List<String> datasets;
        try {
            datasets = catalog.names();
        } catch (RuntimeException e) {
            count("failed");
            LOG.errorf("scheduled backups skipped: the managed datasets cannot be listed: %s", e.getMessage());
            return new BackupRound.Report(List.of());
        }
        BackupRound.Report report = BackupRound.run(datasets,
                dataset -> jobs.hasUnfinished(dataset, JobType.BACKUP, JobSource.SCHEDULE),
                this::submit);
        count("run");
        report.entries().forEach(entry -> registry.counter("backup.schedule.datasets", "outcome",
                entry.outcome().label()).increment());
        LOG.infof("backup schedule: %d datasets, %d queued, %d coalesced, %d skipped (queue full), %d rejected, "
                + "%d failed", report.entries().size(), report.count(BackupRound.Outcome.SUBMITTED),
                report.count(BackupRound.Outcome.COALESCED), report.count(BackupRound.Outcome.QUEUE_FULL),
                report.count(BackupRound.Outcome.REJECTED), report.count(BackupRound.Outcome.FAILED));
        return report;
    }

    private BackupRound.Submitted submit(String dataset) {
        Submission submission = jobs.submit(JobCommand.backup(dataset, null, JobSource.SCHEDULE));
        if (submission.job().status() == JobState.REJECTED) {
            return new BackupRound.Submitted(BackupRound.Outcome.REJECTED, submission.job().error() == null
                    ? "rejected" : submission.job().error().code() + ": " + submission.job().error().message());
        }
        return new BackupRound.Submitted(BackupRound.Outcome.SUBMITTED, submission.job().jobId());
    }

    private void count(String result) {
        registry.counter("backup.schedule.triggers", "result", result).increment();
    }
}
