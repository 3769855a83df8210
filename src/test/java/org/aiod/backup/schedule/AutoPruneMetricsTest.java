package org.aiod.backup.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.SmallRyeConfigBuilder;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.job.ErrorCode;
import org.aiod.backup.job.Job;
import org.aiod.backup.job.JobCommand;
import org.aiod.backup.job.JobError;
import org.aiod.backup.job.JobSource;
import org.aiod.backup.job.JobState;
import org.aiod.backup.job.JobType;
import org.aiod.backup.job.QueueFullException;
import org.aiod.backup.job.Submission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prune after a successful scheduled backup that does not run shows in {@code backup_schedule_prunes_total}, by
 * outcome, beside the ones that were queued: a full queue, a rejection, a failure of the submission itself.
 */
class AutoPruneMetricsTest {

    @TempDir
    Path tmp;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void aPruneThatIsNotSubmittedIsCountedByOutcome() {
        AutoPrune auto = new AutoPrune(config("1"), null, registry);
        Job backup = scheduledBackup(JobState.SUCCEEDED);

        auto.pruneAfter(backup, command -> queued(command));
        auto.pruneAfter(backup, command -> {
            throw new QueueFullException(1);
        });
        auto.pruneAfter(backup, command -> queued(command));
        auto.pruneAfter(backup, command -> rejected(command));
        auto.pruneAfter(backup, command -> {
            throw new IllegalStateException("the journal cannot be written");
        });

        assertEquals(2.0, count("submitted"));
        assertEquals(1.0, count("queue_full"));
        assertEquals(1.0, count("rejected"));
        assertEquals(1.0, count("failed"));
    }

    @Test
    void nothingIsCountedWhenNoPruneIsDue() {
        Function<JobCommand, Submission> never = command -> {
            throw new AssertionError("no prune is due: " + command);
        };
        new AutoPrune(config("1"), null, registry).pruneAfter(scheduledBackup(JobState.PARTIAL), never);
        // keep everything: no retention, no prune
        new AutoPrune(config(null), null, registry).pruneAfter(scheduledBackup(JobState.SUCCEEDED), never);
        assertEquals(List.of(), registry.find(AutoPrune.PRUNES).counters().stream().toList());
    }

    private double count(String outcome) {
        Counter counter = registry.find(AutoPrune.PRUNES).tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    private static Job scheduledBackup(JobState status) {
        Instant now = Instant.now();
        return new Job("b-1", null, null, JobType.BACKUP, "alpha", 0L, 0, JobSource.SCHEDULE, status, now, now, now,
                1L, 1L, "alpha_0_0.tar.gz", null, List.of(), null);
    }

    private static Submission queued(JobCommand command) {
        Instant now = Instant.now();
        Job job = new Job("p-1", null, null, command.type(), command.dataset(), null, null, command.source(),
                JobState.QUEUED, now, null, null, null, null, null, null, List.of(), null);
        return new Submission(job, new CompletableFuture<>(), false);
    }

    private static Submission rejected(JobCommand command) {
        Instant now = Instant.now();
        Job job = new Job("p-2", null, null, command.type(), command.dataset(), null, null, command.source(),
                JobState.REJECTED, now, null, now, null, null, null, new JobError(ErrorCode.DATASET_NOT_FOUND,
                        "dataset 'alpha' does not exist"), List.of(), null);
        return new Submission(job, CompletableFuture.completedFuture(job), false);
    }

    private BackupConfig config(String keepLast) {
        Map<String, String> values = new java.util.HashMap<>(Map.of("backup.data-root", tmp.resolve("data").toString(),
                "backup.backup-root", tmp.resolve("backups").toString()));
        if (keepLast != null) {
            values.put("backup.retention.keep-last", keepLast);
        }
        return new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .withMapping(BackupConfig.class)
                .withConverter(Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withDefaultValues(values)
                .withValidateUnknown(false)
                .build().getConfigMapping(BackupConfig.class);
    }
}
