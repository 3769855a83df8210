package org.aiod.backup.job;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.aiod.backup.catalog.CycleEntry;
import org.aiod.backup.catalog.CycleLevel;
import org.aiod.backup.catalog.DatasetCatalog;
import org.aiod.backup.catalog.FetchReport;
import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.engine.BackupException;
import org.aiod.backup.engine.BackupSummary;
import org.aiod.backup.engine.Engine;
import org.aiod.backup.engine.LevelCheck;
import org.aiod.backup.engine.ProgressListener;
import org.aiod.backup.engine.PruneSummary;
import org.aiod.backup.engine.RetentionPolicy;
import org.aiod.backup.engine.RestoreSpec;
import org.aiod.backup.engine.RestoreSummary;
import org.aiod.backup.engine.VerifyDepth;
import org.aiod.backup.engine.VerifySummary;

/**
 * Validates commands against what is on disk (through the dataset catalog) and runs jobs: with the catalog, the only
 * caller of the engine.
 */
@ApplicationScoped
public class JobRunner implements LeftoverCleanup {

    private final Engine engine;
    private final DatasetCatalog catalog;
    private final BackupConfig config;
    /** {@code null} outside the service. */
    private final JobMetrics metrics;
    /** Where a dry run's whole lists are kept for paging; {@code null} outside the service (no journal). */
    private final PlanFiles plans;
    /** The datasets' before and after hooks ({@code backup.hooks.*}). */
    private final HookRunner hooks;
    /**
     * Outside the service: the service's journal, where {@link #runNow} writes each job once it is final, so that
     * the service lists and counts command-line runs too; {@code null} in the service, whose job service journals.
     */
    private final JobStore journal;

    /**
     * The off-site objects' check a {@code checksums} verify adds, in the service with off-site copies on; unset
     * outside the service (the command line keeps no off-site state to check against).
     */
    @jakarta.inject.Inject
    jakarta.enterprise.inject.Instance<OffsiteAudit> offsiteAudits;

    /** The command line's off-site copies ({@link #standalone(BackupConfig, OffsiteAudit)}); {@code null} else. */
    private OffsiteAudit standaloneOffsite;

    @jakarta.inject.Inject
    JobRunner(Engine engine, DatasetCatalog catalog, BackupConfig config, JobMetrics metrics) {
        this(engine, catalog, config, metrics, new PlanFiles(PlanFiles.beside(config.journalDir())), null);
    }

    private JobRunner(Engine engine, DatasetCatalog catalog, BackupConfig config, JobMetrics metrics,
            PlanFiles plans, JobStore journal) {
        this.engine = engine;
        this.catalog = catalog;
        this.config = config;
        this.metrics = metrics;
        this.plans = plans;
        this.hooks = new HookRunner(config);
        this.journal = journal;
    }

    /**
     * A runner outside the service (the one-shot command line): no CDI, no events, no metrics of its own; each job
     * it runs is written, final, into the service's journal under the state directory (source {@code cli}), where
     * the service lists it and counts it in its metrics.
     */
    public static JobRunner standalone(BackupConfig config) {
        Engine engine = org.aiod.backup.config.EngineProducer.create(config);
        return new JobRunner(engine, DatasetCatalog.of(engine, config), config, null, null,
                JobJournal.standalone(config.journalDir(), config.journal().keep()));
    }

    /**
     * {@link #standalone(BackupConfig)} with the command line's off-site copies: a prune passes the engine their
     * {@link OffsiteAudit#pruning()} and then does the deletions it wrote down ({@link OffsiteAudit#deleteNow})
     * before its job ends: {@code offsite} {@value PruneResult#OFFSITE_DELETED} for each done, {@code pending} and a
     * warning naming it for each the store did not take.
     */
    public static JobRunner standalone(BackupConfig config, OffsiteAudit offsite) {
        JobRunner runner = standalone(config);
        runner.standaloneOffsite = offsite;
        return runner;
    }

    /**
     * Validates and runs {@code command} on the calling thread, without the queue: the command line's path. Returns
     * the job REJECTED, SUCCEEDED, PARTIAL or FAILED, journaled when this runner is {@link #standalone}.
     */
    public Job runNow(JobCommand command) {
        return runNow(command, ProgressListener.NONE);
    }

    /** {@link #runNow(JobCommand)}, telling {@code progress} how the engine's run goes (the command line's bar). */
    public Job runNow(JobCommand command, ProgressListener progress) {
        Optional<JobError> invalid = validate(command);
        Job job;
        if (invalid.isPresent()) {
            job = Job.rejected(command, Instant.now(), invalid.get());
        } else {
            Job queued = Job.queued(command, Instant.now());
            job = run(queued.started(Instant.now()), progress);
        }
        return journaled(job);
    }

    /**
     * {@code job} written into the journal, when there is one; when it cannot be written the run's outcome stands
     * (the work is done) and a warning on standard error says that the service will not list it. A refused command
     * creates nothing: it is journaled only into a journal directory that exists already.
     */
    private Job journaled(Job job) {
        if (journal == null
                || job.status() == JobState.REJECTED && !java.nio.file.Files.isDirectory(config.journalDir())) {
            return job;
        }
        try {
            java.nio.file.Files.createDirectories(config.journalDir());
            journal.save(job);
        } catch (java.io.IOException | RuntimeException e) {
            org.jboss.logging.Logger.getLogger(JobRunner.class).warnf("job %s was not written to the job journal in"
                    + " %s, so the service does not list it: %s", job.jobId(), config.journalDir(), e.getMessage());
        }
        return job;
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

    /**
     * Why {@code command} cannot run, or empty when it can: its fields ({@link CommandRules}), then whether what it
     * names exists.
     */
    Optional<JobError> validate(JobCommand command) {
        Optional<JobError> invalid = CommandRules.check(command);
        if (invalid.isPresent()) {
            return invalid;
        }
        String dataset = command.dataset();
        if (!catalog.manages(dataset)) {
            return reject(ErrorCode.UNKNOWN_DATASET, "unknown dataset '" + dataset + "' (known: " + catalog.names() + ")");
        }
        return command.match(new JobCommand.Cases<>() {
            @Override
            public Optional<JobError> backup(JobCommand.Backup backup) {
                // a path that exists but is not a real directory (a symlink, a file) is the engine's to refuse, by name
                if (!catalog.hasDataDirectory(dataset)) {
                    return reject(ErrorCode.DATASET_NOT_FOUND, "dataset '" + dataset + "' has no directory "
                            + config.dataRoot().resolve(dataset) + " to back up");
                }
                return Optional.empty();
            }

            @Override
            public Optional<JobError> restore(JobCommand.Restore restore) {
                RestoreOptions options = restore.options();
                Optional<JobError> notAllowed = targetNotAllowed(restore.source(), options);
                if (notAllowed.isPresent()) {
                    return notAllowed;
                }
                if (options.at() != null) {
                    // resolved again when the job runs: a level completed meanwhile may be the one to take then
                    try {
                        catalog.levelAt(dataset, CommandRules.parseAt(options.at()));
                    } catch (BackupException e) {
                        // levels only off-site are fetched when the job runs, and the choice made among all then
                        if (!(e instanceof BackupException.NoLevelAt) || !hasOffsiteLevels(dataset)) {
                            return reject(ErrorCode.of(e), e.getMessage());
                        }
                    }
                    return Optional.empty();
                }
                Optional<CycleEntry> cycle = catalog.cycles(dataset).stream()
                        .filter(c -> c.cycle() == restore.cycle() && c.lastLevel() >= 0).findFirst();
                if (cycle.isEmpty() || (restore.level() != null && restore.level() > cycle.get().highestLevel())) {
                    // what the backup root lacks may be off-site: fetched when the job runs
                    try {
                        if (offsiteHas(dataset, restore.cycle(), restore.level())) {
                            return Optional.empty();
                        }
                    } catch (BackupException e) {
                        return reject(ErrorCode.of(e), "dataset '" + dataset + "' has no cycle " + restore.cycle()
                                + (restore.level() == null ? "" : " level " + restore.level()) + " on disk, and "
                                + e.getMessage());
                    }
                }
                // levels after a gap exist: the engine refuses them with CHAIN_BROKEN, which says more than
                // NO_SUCH_LEVEL
                if (cycle.isEmpty()) {
                    return reject(ErrorCode.NO_SUCH_CYCLE, "dataset '" + dataset + "' has no cycle " + restore.cycle());
                }
                if (restore.level() != null && restore.level() > cycle.get().highestLevel()) {
                    return reject(ErrorCode.NO_SUCH_LEVEL, "cycle " + restore.cycle() + " of dataset '" + dataset
                            + "' has levels 0.." + cycle.get().highestLevel() + "; there is no level "
                            + restore.level());
                }
                return Optional.empty();
            }

            // a managed dataset without backups is no error: a prune keeps nothing away, a verify reads nothing
            @Override
            public Optional<JobError> prune(JobCommand.Prune prune) {
                return Optional.empty();
            }

            @Override
            public Optional<JobError> verify(JobCommand.Verify verify) {
                return Optional.empty();
            }
        });
    }

    /** Runs a job that is {@link JobState#RUNNING}; returns it finished. */
    Job run(Job job) {
        return run(job, ProgressListener.NONE);
    }

    /**
     * {@link #run(Job)}, telling {@code progress} how the engine's run goes; the dataset's hooks
     * ({@code backup.hooks.*}) run around a backup or restore.
     */
    Job run(Job job, ProgressListener progress) {
        return hooks.around(job, () -> runCommand(job, progress));
    }

    /** What the job's command does, without hooks. */
    private Job runCommand(Job job, ProgressListener progress) {
        try {
            return switch (job.type()) {
                case BACKUP -> backup(job, progress);
                case RESTORE -> restore(job, progress);
                case PRUNE -> prune(job, progress);
                case VERIFY -> verify(job, progress);
            };
        } catch (BackupException e) {
            if (e instanceof BackupException.LockTimeout) {
                lockWaited(job, config.lockTimeout(), false);
            }
            return job.failed(Instant.now(), new JobError(ErrorCode.of(e), e.getMessage()));
        } catch (RuntimeException e) {
            return job.failed(Instant.now(), new JobError(ErrorCode.INTERNAL_ERROR, String.valueOf(e)));
        }
    }

    private Job backup(Job job, ProgressListener progress) {
        BackupSummary s = engine.backup(job.dataset(), progress);
        lockWaited(job, s.lockWait(), true);
        if (s.partial()) {
            return job.partial(Instant.now(), s.cycle(), s.level(), s.files(), s.bytes(), s.archive().toString(),
                    s.warnings(), MissedFiles.of(s.notTaken(), s.notTakenCount()));
        }
        return job.succeeded(Instant.now(), s.cycle(), s.level(), s.files(), s.bytes(), s.archive().toString(),
                s.warnings());
    }

    private Job restore(Job job, ProgressListener progress) {
        RestoreOptions options = job.restoreOptions();
        // checked again at the start of the run: a symlink on the way may have changed since the command was taken
        Optional<JobError> notAllowed = targetNotAllowed(job.source(), options);
        if (notAllowed.isPresent()) {
            return job.failed(Instant.now(), notAllowed.get());
        }
        List<String> fetchNotes = new java.util.ArrayList<>();
        if (catalog.offsiteEnabled()) {
            // a point in time is chosen among the levels of every cycle: those only off-site are fetched first
            fetchMissing(job.dataset(), options.at() != null ? null : job.cycle(), fetchNotes);
        }
        long cycle;
        Integer level;
        if (options.at() != null) {
            CycleLevel chosen = catalog.levelAt(job.dataset(), CommandRules.parseAt(options.at()));
            cycle = chosen.cycle();
            level = chosen.level().level();
        } else {
            cycle = job.cycle();
            level = job.level();
        }
        RestoreSpec spec = new RestoreSpec(job.dataset(), cycle, level)
                .withTarget(options.target() == null ? null : Path.of(options.target()))
                .withOverwrite(options.overwriteAsked())
                .withPaths(options.pathsAsked())
                .withDryRun(options.dryRunAsked());
        if (plans != null && options.dryRunAsked()) {
            // every path, for the plan files: the planner holds one entry per path of the level already
            spec = spec.withPlanLimit(Integer.MAX_VALUE);
        }
        RestoreSummary s;
        try {
            s = engine.restore(spec, progress);
        } catch (BackupException.CorruptArchive e) {
            if (!catalog.offsiteEnabled()) {
                throw e;
            }
            // the off-site copy replaces each archive of the cycle that fails its SHA256SUMS line, then the restore
            // runs again; when none does (an archive damaged before its checksum was taken), the failure stands
            FetchReport replaced = catalog.fetch(job.dataset(), cycle, true);
            if (replaced.levels().isEmpty()) {
                throw e;
            }
            replaced.lines().forEach(l -> fetchNotes.add("fetched from the off-site store: " + l));
            s = engine.restore(spec, progress);
        }
        lockWaited(job, s.lockWait(), true);
        if (!fetchNotes.isEmpty()) {
            List<String> warnings = new java.util.ArrayList<>(fetchNotes);
            warnings.addAll(s.warnings());
            s = new RestoreSummary(s.dataset(), s.cycle(), s.level(), s.files(), s.bytes(), s.deleted(),
                    List.copyOf(warnings), s.duration(), s.lockWait(), s.plan());
        }
        if (s.plan() != null) {
            List<String> warnings = new java.util.ArrayList<>(s.warnings());
            if (plans != null) {
                try {
                    plans.write(job.jobId(), s.plan());
                } catch (java.io.IOException | RuntimeException e) {
                    warnings.add("the plan's whole lists could not be kept for paging (" + e
                            + "); the job has its counts and first " + RestoreSpec.DEFAULT_PLAN_LIMIT + " paths");
                }
            }
            return job.planned(Instant.now(), s.cycle(), s.level(), warnings, JobPlan.of(s.plan()));
        }
        return job.succeeded(Instant.now(), s.cycle(), s.level(), s.files(), s.bytes(), null, s.warnings());
    }

    /** The words of a prune that removed nothing because no retention rule is set. */
    public static final String KEEPS_EVERYTHING = "retention: keep every cycle (backup.retention.* not set);"
            + " nothing was removed";

    /**
     * How the warning of a command-line prune begins for each off-site deletion of the dataset still pending when it
     * ends (the cycle, then why).
     */
    public static final String OFFSITE_DELETION_PENDING = "off-site: the deletion of cycle ";

    private Job prune(Job job, ProgressListener progress) {
        RetentionPolicy policy = config.retentionPolicy();
        boolean dryRun = job.prune() != null && job.prune().dryRunAsked();
        OffsiteAudit audit = standaloneOffsite != null ? standaloneOffsite
                : offsiteAudits != null && offsiteAudits.isResolvable() ? offsiteAudits.get() : null;
        org.aiod.backup.engine.OffsitePruning offsite = audit == null ? null : audit.pruning();
        PruneSummary s = offsite == null ? engine.prune(job.dataset(), policy, dryRun, progress)
                : engine.prune(job.dataset(), policy, dryRun, progress, offsite);
        lockWaited(job, s.lockWait(), true);
        List<String> warnings = new java.util.ArrayList<>(s.warnings());
        if (policy.keepsEverything()) {
            // not an error: the default keeps every cycle, as the legacy scripts did; the job says so
            warnings.add(0, KEEPS_EVERYTHING);
        }
        PruneResult result = PruneResult.of(s);
        java.util.Map<Long, String> pending = offsite == null || dryRun ? null : audit.deleteNow(job.dataset());
        if (pending != null) {
            // the command line: no uploader will do them once it exits, unless a service runs
            result = result.offsiteDone(pending.keySet());
            pending.forEach((cycle, why) -> warnings.add(OFFSITE_DELETION_PENDING + cycle + " from the"
                    + " store is pending (" + why + "); a running service's uploader does it, or the next prune"));
        }
        return job.pruned(Instant.now(), result, warnings);
    }

    private Job verify(Job job, ProgressListener progress) {
        VerifyDepth depth = VerifyResult.depth(job.verify() == null ? null : job.verify().depth());
        VerifySummary s = engine.verify(job.dataset(), depth, progress);
        lockWaited(job, s.lockWait(), true);
        VerifyResult result = VerifyResult.of(s);
        JobError error = null;
        List<String> offsite = depth == VerifyDepth.CHECKSUMS && offsiteAudits != null && offsiteAudits.isResolvable()
                ? offsiteAudits.get().problems(job.dataset()) : List.of();
        if (!s.passed() || !offsite.isEmpty()) {
            List<String> found = new java.util.ArrayList<>();
            long corrupt = result.count(LevelCheck.Status.CORRUPT);
            long missing = result.count(LevelCheck.Status.MISSING);
            if (corrupt > 0) {
                found.add(corrupt + " of " + (result.levels().size() - missing) + " archives corrupt");
            }
            if (missing > 0) {
                found.add(missing + " levels missing (the levels after a gap cannot be restored)");
            }
            if (s.drill() != null && !s.drill().passed()) {
                found.add("the drill of cycle " + s.drill().cycle() + " level " + s.drill().level() + " found "
                        + s.drill().problems().size() + " bad members, first: " + s.drill().problems().get(0));
            }
            found.addAll(offsite);
            error = new JobError(ErrorCode.VERIFY_FAILED, "verify (" + result.depth() + ") of dataset '"
                    + job.dataset() + "' found damage: " + String.join("; ", found));
        }
        return job.verified(Instant.now(), result, List.of(), error);
    }

    /** A page of a dry run's kept lists; empty outside the service or when the job's lists are not kept. */
    Optional<List<String>> planPaths(String jobId, PlanKind kind, long offset, int limit) {
        if (plans == null) {
            return Optional.empty();
        }
        try {
            return plans.page(jobId, kind, offset, limit);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read the plan of job " + jobId, e);
        }
    }

    /**
     * A target named over HTTP or AMQP must lie in one of {@code backup.restore.allowed-targets}: a caller with the
     * admin role must not be able to write anywhere on the host. The operator's command line may name any.
     */
    private Optional<JobError> targetNotAllowed(JobSource source, RestoreOptions options) {
        if (options.target() == null || source == JobSource.CLI) {
            return Optional.empty();
        }
        List<Path> allowed = config.allowedRestoreTargets();
        if (RestoreTargets.isAllowed(Path.of(options.target()), allowed)) {
            return Optional.empty();
        }
        return reject(ErrorCode.TARGET_NOT_ALLOWED, "target " + options.target() + " is not under a directory of"
                + " backup.restore.allowed-targets " + allowed);
    }

    private void lockWaited(Job job, java.time.Duration wait, boolean acquired) {
        if (metrics != null) {
            metrics.lockWaited(job.type(), job.dataset(), wait, acquired);
        }
    }

    /**
     * Fetches from the off-site store the levels of {@code dataset} (of {@code cycle}, or of every cycle) that the
     * backup root lacks, noting each in {@code notes}. A store that cannot be read is only a note when the backup
     * root has levels of its own to restore from (of the cycle, or any); otherwise the restore fails with it.
     */
    private void fetchMissing(String dataset, Long cycle, List<String> notes) {
        try {
            catalog.fetch(dataset, cycle, false).lines()
                    .forEach(l -> notes.add("fetched from the off-site store: " + l));
        } catch (BackupException.OffsiteUnavailable e) {
            boolean local = catalog.cycles(dataset).stream()
                    .anyMatch(c -> c.lastLevel() >= 0 && (cycle == null || c.cycle() == cycle));
            if (!local) {
                throw e;
            }
            notes.add("the off-site store could not be read, the restore used the backup root alone: "
                    + e.getMessage());
        }
    }

    /** Whether the off-site store has levels of {@code dataset}; false when off or when it cannot be read. */
    private boolean hasOffsiteLevels(String dataset) {
        try {
            return !catalog.offsiteCycles(dataset).isEmpty();
        } catch (BackupException e) {
            return false;
        }
    }

    /**
     * Whether the off-site store has {@code cycle} of {@code dataset} (with its level 0, and {@code level} when
     * given); false with off-site copies off.
     *
     * @throws BackupException.OffsiteUnavailable the store cannot be listed
     */
    private boolean offsiteHas(String dataset, long cycle, Integer level) {
        if (!catalog.offsiteEnabled()) {
            return false;
        }
        List<Integer> levels = catalog.offsiteCycles(dataset).get(cycle);
        return levels != null && levels.contains(0) && (level == null || levels.contains(level));
    }

    private static Optional<JobError> reject(ErrorCode code, String message) {
        return Optional.of(new JobError(code, message));
    }
}
