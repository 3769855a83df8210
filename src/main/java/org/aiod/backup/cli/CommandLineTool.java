package org.aiod.backup.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

import org.aiod.backup.api.DatasetSummary;
import org.aiod.backup.api.DatasetView;
import org.aiod.backup.catalog.CycleEntry;
import org.aiod.backup.catalog.CycleLevel;
import org.aiod.backup.catalog.DatasetCatalog;
import org.aiod.backup.catalog.FetchReport;
import org.aiod.backup.catalog.LevelEntry;
import org.aiod.backup.catalog.LevelVerification;
import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.engine.BackupException;
import org.aiod.backup.engine.ProgressListener;
import org.aiod.backup.engine.PruneSummary;
import org.aiod.backup.job.ErrorCode;
import org.aiod.backup.job.Job;
import org.aiod.backup.job.JobCommand;
import org.aiod.backup.job.JobError;
import org.aiod.backup.job.JobRunner;
import org.aiod.backup.job.JobSource;
import org.aiod.backup.job.JobState;
import org.aiod.backup.job.JobPlan;
import org.aiod.backup.job.MissedFiles;
import org.aiod.backup.job.PruneResult;
import org.aiod.backup.job.VerifyResult;
import org.aiod.backup.job.RestoreOptions;

/**
 * Runs one command and returns the process's exit status. Reads the service's configuration (application.properties,
 * then environment variables and system properties, profile {@code prod} unless {@code QUARKUS_PROFILE} says
 * otherwise) without starting Quarkus, and goes through the job runner like every other adapter; {@code list} and
 * {@code verify <dataset> <cycle>} read the dataset catalog ({@code verify} of a whole dataset is a verify job, which
 * records each level's verify).
 */
public final class CommandLineTool {

    static final int OK = 0;
    /** A command failed: the exit status of every {@link ErrorCode} today, and of a verification that found damage. */
    static final int FAILED = 1;
    static final int USAGE = 2;
    /**
     * The level was committed but lacks files that could not be read; they are listed on standard error. A prune
     * that removed its cycles on disk but whose deletions the off-site store did not take (they stay pending).
     */
    static final int PARTIAL = 3;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    /** The ordinal of the command line's options as a configuration source. */
    private static final int OPTIONS_ORDINAL = 500;

    private final PrintStream out;
    private final PrintStream err;
    /** Where the text for people goes: standard output, or standard error under {@code --json}. */
    private final PrintStream text;
    /** {@code --json}: standard output holds the command's one JSON document and nothing else. */
    private final boolean json;
    /** Whether the JSON document was written, so that a failure after it writes no second one. */
    private boolean emitted;

    CommandLineTool(PrintStream out, PrintStream err) {
        this(out, err, false);
    }

    private CommandLineTool(PrintStream out, PrintStream err, boolean json) {
        this.out = out;
        this.err = err;
        this.json = json;
        this.text = json ? err : out;
    }

    /** Under {@code --json}, writes {@code document} as the command's one JSON document on standard output. */
    private void emit(Object document) {
        if (!json || emitted) {
            return;
        }
        try {
            out.println(JsonStart.mapper().writeValueAsString(document));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the JSON document: " + e.getMessage(), e);
        }
        out.flush();
        emitted = true;
    }

    /**
     * Under {@code --json}, a failure without a job: {@code {"error":{"code":...,"message":...}}}, the shape of a
     * job's {@code error}.
     */
    private void emitError(ErrorCode code, String message) {
        emit(Map.of("error", new JobError(code, message)));
    }

    /** Runs {@code run} with a progress line on standard error, cleared before the result is printed. */
    private Job withProgress(String what, java.util.function.Function<ProgressListener, Job> run) {
        ProgressLine progress = ProgressLine.of(err, what);
        try {
            return run.apply(progress);
        } finally {
            progress.done();
        }
    }

    int run(List<String> args) {
        CliArguments command;
        try {
            command = CliArguments.parse(args);
        } catch (CliArguments.UsageException e) {
            err.println("aiod-backup: " + e.getMessage());
            return USAGE;
        }
        if (command.verb() == CliArguments.Verb.HELP) {
            out.print(CliArguments.usage(command.helpFor()));
            return OK;
        }
        return new CommandLineTool(out, err, command.json()).execute(command);
    }

    private int execute(CliArguments command) {
        Thread jackson = command.json() || journals(command) ? JsonStart.warmUp(command.json()) : null;
        try {
            BackupConfig config;
            try {
                config = loadConfig(command.overrides().properties());
            } finally {
                JsonStart.await(jackson);
            }
            return switch (command.verb()) {
                case BACKUP -> report(withProgress("backup " + command.dataset(), progress -> JobRunner
                        .standalone(config).runNow(JobCommand.backup(command.dataset(), null, JobSource.CLI),
                                progress)));
                case RESTORE -> command.at() != null
                        ? restoreAt(config, command.dataset(), command.at(), options(command.restore()))
                        : report(withProgress("restore " + command.dataset(), progress -> JobRunner
                                .standalone(config).runNow(JobCommand.restore(command.dataset(), command.cycle(),
                                        command.level(), options(command.restore()), null, JobSource.CLI),
                                        progress)));
                case LIST -> list(config, DatasetCatalog.standalone(config), command.dataset());
                case VERIFY -> command.cycle() != null
                        ? verify(DatasetCatalog.standalone(config), command.dataset(), command.cycle())
                        : verifyJob(JobRunner.standalone(config), command.dataset(), command.depth());
                case PRUNE -> prune(config, command.dataset(), command.restore().dryRun());
                case FETCH -> fetch(DatasetCatalog.standalone(config), command.dataset(), command.cycle());
                case HELP -> OK;
            };
        } catch (BackupException e) {
            err.println("aiod-backup: " + e.getMessage());
            emitError(ErrorCode.of(e), e.getMessage());
            return ErrorCode.of(e).exitStatus();
        } catch (RuntimeException e) {
            String message = e.getClass().getSimpleName() + ": " + e.getMessage();
            err.println("aiod-backup: " + message);
            emitError(ErrorCode.INTERNAL_ERROR, message);
            return ErrorCode.INTERNAL_ERROR.exitStatus();
        }
    }

    /**
     * Whether the command runs a job through the runner, which writes it into the journal as JSON: a backup, a
     * restore, a verify of a whole dataset, a prune. {@code list}, {@code fetch} and {@code verify <dataset> <cycle>}
     * write no job.
     */
    private static boolean journals(CliArguments command) {
        return switch (command.verb()) {
            case BACKUP, RESTORE, PRUNE -> true;
            case VERIFY -> command.cycle() == null;
            case LIST, FETCH, HELP -> false;
        };
    }

    /** The service's configuration, read the way Quarkus reads it, without starting Quarkus. */
    static BackupConfig loadConfig() {
        return loadConfig(Map.of());
    }

    /**
     * The service's configuration with {@code overrides} (the command line's options) in a source above every other,
     * so that what derives from an overridden property (the state directory from the backup root) follows it.
     */
    static BackupConfig loadConfig(Map<String, String> overrides) {
        String profile = System.getProperty("quarkus.profile",
                System.getenv().getOrDefault("QUARKUS_PROFILE", "prod"));
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                .addDefaultSources()
                .withProfile(profile)
                .withMapping(BackupConfig.class)
                // Quarkus's own converters, so that "10m" means what it means to the service
                .withConverter(Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withValidateUnknown(false);
        URL properties = Thread.currentThread().getContextClassLoader().getResource("application.properties");
        if (properties != null) {
            try {
                builder.withSources(new PropertiesConfigSource(properties, 250));
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + properties + ": " + e.getMessage(), e);
            }
        }
        if (!overrides.isEmpty()) {
            // above system properties (400) and environment variables (300): the option on the line wins
            builder.withSources(new PropertiesConfigSource(overrides, "command-line options", OPTIONS_ORDINAL));
        }
        SmallRyeConfig config = builder.build();
        return config.getConfigMapping(BackupConfig.class);
    }

    /**
     * The restore options of the command line's flags; {@code --to} made absolute against the working directory,
     * as the operator means it. The command line is not bound to {@code backup.restore.allowed-targets}.
     */
    private static RestoreOptions options(CliArguments.RestoreFlags flags) {
        String target = flags.target() == null ? null : Path.of(flags.target()).toAbsolutePath().toString();
        return new RestoreOptions(target, flags.overwrite() ? Boolean.TRUE : null,
                flags.paths().isEmpty() ? null : flags.paths(), null, flags.dryRun() ? Boolean.TRUE : null);
    }

    private int report(Job job) {
        emit(job);
        if (job.status() == JobState.SUCCEEDED && job.plan() != null) {
            printPlan(job);
            return OK;
        }
        if (job.status() == JobState.SUCCEEDED || job.status() == JobState.PARTIAL) {
            Duration took = Duration.between(job.startedAt(), job.finishedAt());
            if (job.archive() == null && job.options() != null && job.options().target() != null) {
                text.printf(Locale.ROOT, "restored %s from cycle %d level %d into %s: %d files, %s in %s%n",
                        job.dataset(), job.cycle(), job.level(), job.options().target(), job.files(),
                        bytes(job.bytes()), seconds(took));
            } else if (job.archive() != null) {
                text.printf(Locale.ROOT, "backed up %s: cycle %d level %d, %d files, %s in %s%n  %s%n", job.dataset(),
                        job.cycle(), job.level(), job.files(), bytes(job.bytes()), seconds(took), job.archive());
            } else {
                text.printf(Locale.ROOT, "restored %s from cycle %d level %d: %d files, %s in %s%n", job.dataset(),
                        job.cycle(), job.level(), job.files(), bytes(job.bytes()), seconds(took));
            }
            job.warnings().forEach(w -> text.println("  warning: " + w));
            if (job.status() == JobState.PARTIAL && job.missed() == null) {
                // every file was taken, but a hook failed (backup.hooks.*): its warning says which
                err.println("aiod-backup: PARTIAL: a hook of dataset '" + job.dataset() + "' failed (see the warnings)");
                return PARTIAL;
            }
            if (job.status() == JobState.PARTIAL) {
                MissedFiles missed = job.missed();
                err.printf(Locale.ROOT, "aiod-backup: PARTIAL: level %d of cycle %d was committed without %d file%s"
                        + " that could not be read:%n", job.level(), job.cycle(), missed.total(),
                        missed.total() == 1 ? "" : "s");
                missed.files().forEach(f -> err.println("  not taken: " + f.path() + " (" + f.reason() + ")"));
                if (missed.total() > missed.files().size()) {
                    err.println("  ... and " + (missed.total() - missed.files().size()) + " more");
                }
                return PARTIAL;
            }
            return OK;
        }
        err.println("aiod-backup: " + job.error().message());
        return job.error().errorCode().exitStatus();
    }

    /** Shown paths of each kind of change; the plan holds more (its default limit), the counts cover all. */
    private static final int PLAN_PATHS_SHOWN = 20;

    /** A dry run's plan: what the restore would change, nothing changed. */
    private void printPlan(Job job) {
        JobPlan plan = job.plan();
        String where = job.options().target() != null ? job.options().target() : "the dataset";
        text.printf(Locale.ROOT, "dry run: restoring %s from cycle %d level %d into %s would%n", job.dataset(),
                job.cycle(), job.level(), where);
        printChange("create", plan.create());
        printChange("replace", plan.replace());
        printChange("delete", plan.delete());
        text.printf(Locale.ROOT, "  leave %d unchanged; create %d and delete %d directories%n", plan.unchanged(),
                plan.directoriesToCreate(), plan.directoriesToDelete());
        job.warnings().forEach(w -> text.println("  warning: " + w));
        text.println("nothing was changed");
    }

    private void printChange(String what, JobPlan.Change change) {
        text.printf(Locale.ROOT, "  %-7s %d file%s, %s%n", what, change.count(), change.count() == 1 ? "" : "s",
                bytes(change.bytes()));
        List<String> shown = change.paths().subList(0, Math.min(PLAN_PATHS_SHOWN, change.paths().size()));
        shown.forEach(p -> text.println("    " + p));
        if (change.count() > shown.size()) {
            text.println("    ... and " + (change.count() - shown.size()) + " more");
        }
    }

    /**
     * {@code restore <dataset> --at TIME}: the catalog chooses the cycle and level, which are printed, and the restore
     * of that level runs as any other.
     */
    private int restoreAt(BackupConfig config, String dataset, java.time.Instant at, RestoreOptions options) {
        JobRunner runner = JobRunner.standalone(config);
        DatasetCatalog catalog = DatasetCatalog.standalone(config);
        if (!catalog.manages(dataset)) {
            // an invalid name or a dataset not managed: the runner's validation says which, in the words every other
            // command and source gets, before it would look at the cycle
            return report(runner.runNow(JobCommand.restore(dataset, 0L, null, null, JobSource.CLI)));
        }
        CycleLevel chosen = catalog.levelAt(dataset, at);
        text.printf(Locale.ROOT, "at %s: cycle %d level %d of %s, completed %s%n", TIME.format(at), chosen.cycle(),
                chosen.level().level(), dataset, TIME.format(chosen.completed()));
        return report(withProgress("restore " + dataset, progress -> runner.runNow(JobCommand.restore(dataset,
                chosen.cycle(), chosen.level().level(), options, null, JobSource.CLI), progress)));
    }

    /**
     * {@code list [<dataset>]}: each cycle and level, then the roots searched (on standard error under {@code --json},
     * whose document is {@code GET /api/datasets} or {@code GET /api/datasets/{name}}).
     */
    private int list(BackupConfig config, DatasetCatalog catalog, String dataset) {
        String roots = "data root " + config.dataRoot().toAbsolutePath().normalize() + ", backup root "
                + config.backupRoot().toAbsolutePath().normalize();
        List<String> known = catalog.names();
        if (dataset != null && !known.contains(dataset)) {
            String message = "unknown dataset '" + dataset + "' (" + (known.isEmpty()
                    ? "no dataset is known: none in " + roots : "known: " + known) + ")";
            err.println("aiod-backup: " + message);
            emitError(ErrorCode.UNKNOWN_DATASET, message);
            return ErrorCode.UNKNOWN_DATASET.exitStatus();
        }
        List<String> datasets = dataset == null ? known : List.of(dataset);
        if (json) {
            emit(dataset == null ? catalog.datasets().stream().map(DatasetSummary::of).toList()
                    : catalog.dataset(dataset).map(DatasetView::of).orElseThrow());
        }
        if (datasets.isEmpty()) {
            text.println("no datasets: no dataset directory and no backups in " + roots);
            return OK;
        }
        for (String name : datasets) {
            List<CycleEntry> cycles = catalog.cycles(name);
            text.println(name + (cycles.isEmpty() ? ": no backups" : ":"));
            for (CycleEntry cycle : cycles) {
                text.printf(Locale.ROOT, "  cycle %d  (%s)%n", cycle.cycle(), cycle.directory());
                for (LevelEntry level : cycle.levels()) {
                    text.printf(Locale.ROOT, "    level %-3d %10s  %s  %s%n", level.level(), bytes(level.size()),
                            TIME.format(level.modified()), level.sha256() == null ? "not in SHA256SUMS"
                                    : "sha256 " + level.sha256().substring(0, 12));
                }
                if (cycle.levels().isEmpty()) {
                    text.println("    (no complete level 0)");
                }
                if (cycle.broken()) {
                    text.printf(Locale.ROOT, "    GAP: level %s missing; level %s after it cannot be restored%n",
                            join(cycle.missingLevels()), join(cycle.levelsAfterGap().stream()
                                    .map(LevelEntry::level).toList()));
                }
            }
        }
        text.println("(searched " + roots + ")");
        return OK;
    }

    private int verify(DatasetCatalog catalog, String dataset, Long cycle) {
        List<LevelVerification> checks = catalog.verify(dataset, cycle);
        // the fields of a verify job's verify.levels, for the one cycle read
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("dataset", dataset);
        document.put("cycle", cycle);
        document.put("levels", checks.stream().map(c -> new VerifyResult.Level(c.cycle(), c.level(),
                c.status().name(), c.archive() == null ? null : c.archive().toString(), c.detail())).toList());
        emit(document);
        long corrupt = checks.stream().filter(c -> c.status() == LevelVerification.Status.CORRUPT).count();
        long missing = checks.stream().filter(c -> c.status() == LevelVerification.Status.MISSING).count();
        for (LevelVerification check : checks) {
            text.printf(Locale.ROOT, "%-8s cycle %d level %d  %s%n    %s%n", check.status(), check.cycle(),
                    check.level(), check.archive().getFileName(), check.detail());
        }
        if (corrupt > 0) {
            err.println("aiod-backup: " + corrupt + " of " + (checks.size() - missing) + " archives of '" + dataset
                    + "' are corrupt" + (missing > 0 ? ", and " + missing + " levels are missing" : ""));
            return FAILED;
        }
        if (missing > 0) {
            err.println("aiod-backup: " + missing + " levels of '" + dataset + "' are missing (a gap in a cycle):"
                    + " the levels after them cannot be restored");
            return FAILED;
        }
        text.println(checks.size() + " archives read to the end, none corrupt");
        return OK;
    }

    /** {@code fetch <dataset> [<cycle>]}: the levels the backup root lacks, brought from the off-site store. */
    private int fetch(DatasetCatalog catalog, String dataset, Long cycle) {
        FetchReport report = catalog.fetch(dataset, cycle, false);
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("dataset", dataset);
        document.put("cycle", cycle);
        document.put("fetched", report.levels());
        emit(document);
        for (String line : report.lines()) {
            text.println("fetched " + line);
        }
        text.println(report.levels().isEmpty()
                ? "nothing to fetch: the backup root has every level of '" + dataset + "'"
                        + (cycle == null ? "" : " cycle " + cycle) + " that the off-site store has"
                : report.levels().size() + " levels of '" + dataset + "' fetched from the off-site store");
        return OK;
    }

    /**
     * {@code verify <dataset> [--depth D]}: a verify job through the runner (the engine records each level's verify),
     * printed as the one-cycle form prints its checks, plus the drill's result.
     */
    private int verifyJob(JobRunner runner, String dataset, String depth) {
        Job job = withProgress("verify " + dataset, progress -> runner.runNow(JobCommand.verify(dataset, depth, null,
                JobSource.CLI), progress));
        emit(job);
        VerifyResult result = job.verify();
        if (result == null || result.levels() == null) {
            // rejected, or it could not run: the reason is the error's
            err.println("aiod-backup: " + job.error().message());
            return job.error().errorCode().exitStatus();
        }
        long corrupt = result.corrupt();
        long missing = result.missing();
        for (VerifyResult.Level check : result.levels()) {
            text.printf(Locale.ROOT, "%-8s cycle %d level %d  %s%n    %s%n", check.status(), check.cycle(),
                    check.level(), check.archive() == null ? "-" : Path.of(check.archive()).getFileName(),
                    check.detail());
        }
        VerifyResult.Drill drill = result.drill();
        if (drill != null) {
            text.printf(Locale.ROOT, "drill    cycle %d level %d restored into a scratch directory: %d files, %s, %s%n",
                    drill.cycle(), drill.level(), drill.files(), bytes(drill.bytes()),
                    drill.passed() ? "every file matches" : drill.problems().size() + " problems");
            drill.problems().forEach(p -> text.println("    " + p));
        }
        if (corrupt > 0) {
            err.println("aiod-backup: " + corrupt + " of " + (result.levels().size() - missing) + " archives of '"
                    + dataset + "' are corrupt" + (missing > 0 ? ", and " + missing + " levels are missing" : ""));
            return FAILED;
        }
        if (missing > 0) {
            err.println("aiod-backup: " + missing + " levels of '" + dataset + "' are missing (a gap in a cycle):"
                    + " the levels after them cannot be restored");
            return FAILED;
        }
        if (drill != null && !drill.passed()) {
            err.println("aiod-backup: the drill of '" + dataset + "' failed: " + drill.problems().size()
                    + " files differ from their archive or snapshot");
            return FAILED;
        }
        if (job.status() != JobState.SUCCEEDED) {
            err.println("aiod-backup: " + job.error().message());
            return job.error().errorCode().exitStatus();
        }
        text.println(result.levels().size() + " archives read to the end, none corrupt"
                + (drill != null ? "; the drill passed" : ""));
        return OK;
    }

    /**
     * {@code prune [<dataset>] [--dry-run]}: one dataset, or every managed one in turn; the worst exit status. With
     * off-site copies on, each cycle's objects go from the store too, before the process exits; a deletion the store
     * does not take stays written down (a running service's uploader or the next prune does it) and the exit status
     * is {@link #PARTIAL}: the prune itself succeeded.
     */
    private int prune(BackupConfig config, String dataset, boolean dryRun) {
        DatasetCatalog catalog = DatasetCatalog.standalone(config);
        java.util.Optional<org.aiod.backup.offsite.CommandLineOffsite> offsite =
                org.aiod.backup.offsite.CommandLineOffsite.open(config, catalog);
        try {
            JobRunner runner = offsite.isPresent() ? JobRunner.standalone(config, offsite.get())
                    : JobRunner.standalone(config);
            List<String> datasets = dataset != null ? List.of(dataset) : catalog.names();
            if (dataset != null) {
                return pruneOne(runner, dataset, dryRun, this::emit);
            }
            List<Job> jobs = new ArrayList<>();
            int worst = OK;
            for (String name : datasets) {
                worst = worse(worst, pruneOne(runner, name, dryRun, jobs::add));
            }
            // of every dataset, an array of their jobs: empty when there is none
            emit(jobs);
            if (datasets.isEmpty()) {
                text.println("no managed datasets: nothing to prune");
            }
            return worst;
        } finally {
            offsite.ifPresent(org.aiod.backup.offsite.CommandLineOffsite::close);
        }
    }

    private int pruneOne(JobRunner runner, String dataset, boolean dryRun, Consumer<Job> ran) {
        Job job = runner.runNow(JobCommand.prune(dataset, dryRun ? Boolean.TRUE : null, null, JobSource.CLI));
        ran.accept(job);
        if (job.status() != JobState.SUCCEEDED) {
            err.println("aiod-backup: " + dataset + ": " + job.error().message());
            return job.error().errorCode().exitStatus();
        }
        PruneResult p = job.prune();
        text.printf(Locale.ROOT, "%s%s: %s %d cycle%s, %s%s%n", dryRun ? "dry run: pruning " : "pruned ", dataset,
                dryRun ? "would remove" : "removed", p.removed().size(), p.removed().size() == 1 ? "" : "s",
                bytes(p.bytesFreed()), dryRun ? " would be freed" : " freed");
        for (PruneResult.Removed r : p.removed()) {
            text.printf(Locale.ROOT, "  %s cycle %d: %d level%s, %s%s%n", dryRun ? "would remove" : "removed",
                    r.cycle(), r.levels(), r.levels() == 1 ? "" : "s", bytes(r.bytes()), offsite(r, dryRun));
        }
        List<PruneResult.Removed> storedOnly = p.offsiteRemoved() == null ? List.of() : p.offsiteRemoved();
        for (PruneResult.Removed r : storedOnly) {
            text.printf(Locale.ROOT, "  %s cycle %d (only off-site): %d level%s, %s%s%n",
                    dryRun ? "would remove" : "removed", r.cycle(), r.levels(), r.levels() == 1 ? "" : "s",
                    bytes(r.bytes()), offsite(r, dryRun));
        }
        for (PruneResult.Kept k : p.kept()) {
            text.printf(Locale.ROOT, "  kept cycle %d: %s%n", k.cycle(), String.join(", ", k.reasons()));
        }
        job.warnings().forEach(w -> text.println("  warning: " + w));
        if (dryRun) {
            text.println("nothing was changed");
            return OK;
        }
        // this prune's cycles and any an earlier prune left: each named in a warning
        long pending = job.warnings().stream().filter(w -> w.startsWith(JobRunner.OFFSITE_DELETION_PENDING)).count();
        if (pending > 0) {
            err.println("aiod-backup: PARTIAL: " + dataset + " was pruned on disk, but " + pending + " deletion"
                    + (pending == 1 ? "" : "s") + " from the off-site store did not go through; "
                    + (pending == 1 ? "it stays" : "they stay") + " written down for a running service or the next"
                    + " prune (see the warnings)");
            return PARTIAL;
        }
        return OK;
    }

    /** The worse of two exit statuses: a failure over {@link #PARTIAL}, which is over {@link #OK}. */
    private static int worse(int a, int b) {
        if (a == PARTIAL || b == PARTIAL) {
            int other = a == PARTIAL ? b : a;
            return other == OK ? PARTIAL : other;
        }
        return Math.max(a, b);
    }

    /** What becomes of a removed cycle's objects in the off-site store; empty with off-site copies off. */
    private static String offsite(PruneResult.Removed r, boolean dryRun) {
        if (r.offsite() == null) {
            return "";
        }
        return switch (r.offsite()) {
            case PruneSummary.OFFSITE_PENDING -> dryRun ? "; off-site: would be deleted"
                    : "; off-site: deletion pending";
            case PruneResult.OFFSITE_DELETED -> "; off-site: deleted";
            case PruneSummary.OFFSITE_KEPT -> "; off-site: kept (backup.offsite.retention.*)";
            default -> "; off-site: " + r.offsite();
        };
    }

    private static String join(List<Integer> levels) {
        return levels.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", "));
    }

    private static String bytes(Long bytes) {
        if (bytes == null) {
            return "-";
        }
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }
}
