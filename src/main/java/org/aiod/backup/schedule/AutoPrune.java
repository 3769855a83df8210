package org.aiod.backup.schedule;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import io.micrometer.core.instrument.MeterRegistry;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.engine.RetentionPolicy;
import org.aiod.backup.job.Job;
import org.aiod.backup.job.JobCommand;
import org.aiod.backup.job.JobListener;
import org.aiod.backup.job.JobService;
import org.aiod.backup.job.JobSource;
import org.aiod.backup.job.JobState;
import org.aiod.backup.job.JobType;
import org.aiod.backup.job.QueueFullException;
import org.aiod.backup.job.Submission;
import org.jboss.logging.Logger;

/**
 * The prune that follows each scheduled backup: when a {@code BACKUP} job of source {@code schedule} ends
 * {@code SUCCEEDED} and a retention rule is set ({@code backup.retention.*}), a {@code PRUNE} job of that dataset is
 * submitted, source {@code schedule}. Never after a {@code PARTIAL} or {@code FAILED} backup, nor after one of
 * another source (an operator's backup is followed by the next scheduled one's prune). A prune that cannot be
 * queued (a full queue) is logged and left to the next scheduled backup. What became of each such prune is counted in
 * {@value #PRUNES} ({@code backup_schedule_prunes_total}), tag {@code outcome} = {@code submitted} | {@code rejected}
 * | {@code queue_full} | {@code failed} (the labels of {@link BackupRound.Outcome}): anything but {@code submitted}
 * means a prune that did not run. The policy in
 * force is in the start-up block (StartupSettings).
 */
@ApplicationScoped
public class AutoPrune implements JobListener {

    private static final Logger LOG = Logger.getLogger(AutoPrune.class);

    static final String PRUNES = "backup.schedule.prunes";

    private final BackupConfig config;
    /** Looked up when a backup ends: the job service tells its listeners, this listener submits to it. */
    private final Instance<JobService> jobs;
    private final MeterRegistry registry;

    AutoPrune(BackupConfig config, Instance<JobService> jobs, MeterRegistry registry) {
        this.config = config;
        this.jobs = jobs;
        this.registry = registry;
    }

    /** The retention line of the start-up block ({@link StartupSettings}): the policy in force, or that all is kept. */
    static String describe(RetentionPolicy p) {
        if (p.keepsEverything()) {
            return "retention: keep every cycle (backup.retention.* not set)";
        }
        StringBuilder line = new StringBuilder("retention:");
        if (p.keepLast() > 0) {
            line.append(" keep-last=").append(p.keepLast());
        }
        if (p.keepWithin() != null) {
            line.append(" keep-within=").append(p.keepWithin());
        }
        if (p.keepDaily() > 0) {
            line.append(" keep-daily=").append(p.keepDaily());
        }
        if (p.keepWeekly() > 0) {
            line.append(" keep-weekly=").append(p.keepWeekly());
        }
        if (p.keepMonthly() > 0) {
            line.append(" keep-monthly=").append(p.keepMonthly());
        }
        return line.append(" timezone=").append(p.zone()).append("; a prune follows each successful scheduled backup")
                .toString();
    }

    @Override
    public void finished(Job job) {
        pruneAfter(job, command -> jobs.get().submit(command));
    }

    /** The prune after {@code job}, submitted through {@code submit} (the job service's {@code submit}). */
    void pruneAfter(Job job, java.util.function.Function<JobCommand, Submission> submit) {
        if (job.type() != JobType.BACKUP || job.source() != JobSource.SCHEDULE || job.status() != JobState.SUCCEEDED
                || config.retentionPolicy().keepsEverything()) {
            return;
        }
        BackupRound.Outcome outcome;
        try {
            Submission submission = submit.apply(JobCommand.prune(job.dataset(), null, null, JobSource.SCHEDULE));
            boolean rejected = submission.job().status() == JobState.REJECTED;
            outcome = rejected ? BackupRound.Outcome.REJECTED : BackupRound.Outcome.SUBMITTED;
            String line = String.format("scheduled backup job %s of %s succeeded: prune job %s %s", job.jobId(),
                    job.dataset(), submission.job().jobId(), rejected
                            ? "rejected: " + submission.job().error().message() : "queued");
            if (rejected) {
                LOG.warn(line);
            } else {
                LOG.info(line);
            }
        } catch (QueueFullException e) {
            outcome = BackupRound.Outcome.QUEUE_FULL;
            LOG.warnf("scheduled backup job %s of %s succeeded, its prune was not queued (%s); the next scheduled"
                    + " backup's prune removes what this one would have", job.jobId(), job.dataset(), e.getMessage());
        } catch (RuntimeException e) {
            outcome = BackupRound.Outcome.FAILED;
            LOG.errorf(e, "scheduled backup job %s of %s succeeded, its prune could not be submitted", job.jobId(),
                    job.dataset());
        }
        registry.counter(PRUNES, "outcome", outcome.label()).increment();
    }
}
