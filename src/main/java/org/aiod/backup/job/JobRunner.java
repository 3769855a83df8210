package org.aiod.backup.job;

import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.engine.BackupException;
import org.aiod.backup.engine.BackupSummary;
import org.aiod.backup.engine.CycleInfo;
import org.aiod.backup.engine.Engine;
import org.aiod.backup.engine.RestoreSummary;

/**
 * The only caller of the engine: validates commands against what is on disk, runs jobs, and describes datasets.
 */
@ApplicationScoped
public class JobRunner implements LeftoverCleanup {

    static final java.util.regex.Pattern DATASET_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private final Engine engine;
    private final BackupConfig config;
    /** {@code null} outside the service. */
    private final JobMetrics metrics;

    JobRunner(Engine engine, BackupConfig config, JobMetrics metrics) {
        this.engine = engine;
        this.config = config;
        this.metrics = metrics;
    }

    /** A runner outside the service (the one-shot command line): no CDI, no journal, no events, no metrics. */
    public static JobRunner standalone(BackupConfig config) {
        return new JobRunner(org.aiod.backup.config.EngineProducer.create(config), config, null);
    }

    /**
     * Validates and runs {@code command} on the calling thread, without the queue or the journal: the command
     * line's path. Returns the job REJECTED, SUCCEEDED, PARTIAL or FAILED.
     */
    public Job runNow(JobCommand command) {
        Optional<JobError> invalid = validate(command);
        if (invalid.isPresent()) {
            return Job.rejected(command, Instant.now(), invalid.get());
        }
        Job queued = Job.queued(command, Instant.now());
        return run(queued.started(Instant.now()));
    }

    /**
     * The engine's start-up recovery: temporary files of killed backups removed, interrupted restores completed or
     * rolled back, each dataset under its lock (a dataset whose lock another process holds is left to that run).
     */
    @Override
    public java.util.Map<String, List<String>> clean() {
        java.util.Map<String, List<String>> cleaned = new java.util.TreeMap<>();
        for (org.aiod.backup.engine.LeftoverRecovery r : engine.recoverLeftovers()) {
            List<String> done = new java.util.ArrayList<>();
            switch (r.outcome()) {
                case SKIPPED_LOCKED -> done.add("nothing: another process holds the dataset's lock");
                case FAILED -> done.add("nothing: recovery failed");
                case RECOVERED -> {
                    if (r.tempFilesRemoved() > 0) {
                        done.add(r.tempFilesRemoved() + " temporary file(s) of a killed backup");
                    }
                    if (r.swapsCompleted() > 0) {
                        done.add("the old content of an interrupted restore, whose verified tree is now in place");
                    }
                    if (r.stagingRemoved() > 0) {
                        done.add("the staging directory of an interrupted restore (the dataset is as it was)");
                    }
                }
            }
            done.addAll(r.notes());
            cleaned.put(r.dataset(), List.copyOf(done));
        }
        return cleaned;
    }

    /** Reads the archives of a dataset (one cycle, or all) to their end against SHA256SUMS. */
    public List<org.aiod.backup.engine.LevelCheck> verify(String dataset, Long cycle) {
        return engine.verify(dataset, cycle);
    }

    /** Why {@code command} cannot run, or empty when it can. */
    Optional<JobError> validate(JobCommand command) {
        String dataset = command.dataset();
        if (dataset == null || dataset.isBlank()) {
            return reject("INVALID_COMMAND", "dataset is required");
        }
        if (!DATASET_NAME.matcher(dataset).matches() || dataset.length() > 128) {
            return reject("INVALID_DATASET", "invalid dataset name '" + dataset
                    + "': expected [A-Za-z0-9][A-Za-z0-9._-]*, at most 128 characters");
        }
        if (!datasets().contains(dataset)) {
            return reject("UNKNOWN_DATASET", "unknown dataset '" + dataset + "' (known: " + datasets() + ")");
        }
        if (command.type() == JobType.BACKUP) {
            // a path that exists but is not a real directory (a symlink, a file) is the engine's to refuse, by name
            if (!Files.exists(config.dataRoot().resolve(dataset), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return reject("DATASET_NOT_FOUND", "dataset '" + dataset + "' has no directory "
                        + config.dataRoot().resolve(dataset) + " to back up");
            }
            return Optional.empty();
        }
        if (command.cycle() == null) {
            return reject("INVALID_COMMAND", "cycle is required for a restore");
        }
        if (command.cycle() < 0) {
            return reject("INVALID_COMMAND", "cycle must not be negative, was " + command.cycle());
        }
        if (command.level() != null && command.level() < 0) {
            return reject("INVALID_COMMAND", "level must not be negative, was " + command.level());
        }
        Optional<CycleInfo> cycle = engine.cycles(dataset).stream()
                .filter(c -> c.cycle() == command.cycle() && c.lastLevel() >= 0).findFirst();
        // levels after a gap exist: the engine refuses them with CHAIN_BROKEN, which says more than NO_SUCH_LEVEL
        if (cycle.isEmpty()) {
            return reject("NO_SUCH_CYCLE", "dataset '" + dataset + "' has no cycle " + command.cycle());
        }
        if (command.level() != null && command.level() > cycle.get().highestLevel()) {
            return reject("NO_SUCH_LEVEL", "cycle " + command.cycle() + " of dataset '" + dataset + "' has levels 0.."
                    + cycle.get().highestLevel() + "; there is no level " + command.level());
        }
        return Optional.empty();
    }

    /** Runs a job that is {@link JobState#RUNNING}; returns it finished. */
    Job run(Job job) {
        return run(job, org.aiod.backup.engine.ProgressListener.NONE);
    }

    /** {@link #run(Job)}, telling {@code progress} how the engine's run goes. */
    Job run(Job job, org.aiod.backup.engine.ProgressListener progress) {
        try {
            if (job.type() == JobType.BACKUP) {
                BackupSummary s = engine.backup(job.dataset(), progress);
                lockWaited(job, s.lockWait(), true);
                if (s.partial()) {
                    return job.partial(Instant.now(), s.cycle(), s.level(), s.files(), s.bytes(),
                            s.archive().toString(), s.warnings(), MissedFiles.of(s.notTaken(), s.notTakenCount()));
                }
                return job.succeeded(Instant.now(), s.cycle(), s.level(), s.files(), s.bytes(), s.archive().toString(),
                        s.warnings());
            }
            RestoreSummary s = engine.restore(job.dataset(), job.cycle(), job.level(), progress);
            lockWaited(job, s.lockWait(), true);
            return job.succeeded(Instant.now(), s.cycle(), s.level(), s.files(), s.bytes(), null, s.warnings());
        } catch (BackupException e) {
            if (e instanceof BackupException.LockTimeout) {
                lockWaited(job, config.lockTimeout(), false);
            }
            return job.failed(Instant.now(), new JobError(e.code(), e.getMessage()));
        } catch (RuntimeException e) {
            return job.failed(Instant.now(), new JobError("INTERNAL_ERROR", String.valueOf(e)));
        }
    }

    /** The datasets this service manages. */
    public List<String> datasets() {
        return config.datasets().filter(list -> !list.isEmpty()).map(List::copyOf).orElseGet(engine::datasets);
    }

    /** The cycles of a managed dataset. */
    public List<CycleInfo> cycles(String dataset) {
        return engine.cycles(dataset);
    }

    private void lockWaited(Job job, java.time.Duration wait, boolean acquired) {
        if (metrics != null) {
            metrics.lockWaited(job.type(), job.dataset(), wait, acquired);
        }
    }

    private static Optional<JobError> reject(String code, String message) {
        return Optional.of(new JobError(code, message));
    }
}
