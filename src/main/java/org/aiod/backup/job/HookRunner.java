package org.aiod.backup.job;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import org.aiod.backup.config.BackupConfig;

/**
 * Runs the hooks of {@code backup.hooks."<dataset>".*} around a backup or a restore, in the job runner: the
 * {@code before-*} hook, then the command unless that hook failed with {@code on-error=fail}, then the {@code after-*}
 * hook whenever the {@code before-*} hook ran (whatever it and the command did) or none is set.
 *
 * <p>A hook is a program with arguments, started without a shell, its standard input empty, its standard output and
 * error read together into a bounded tail. It runs in a session of its own ({@code setsid}), so that at its timeout
 * its whole process group is killed, and every descendant still attached to it. A hook that exits normally leaves
 * whatever it started in the background running (an {@code after-*} hook that starts a database server must).
 */
final class HookRunner {

    /** The bytes of a hook's output that are kept: the end of it. */
    static final int OUTPUT_TAIL_BYTES = 8 * 1024;

    private static final Logger LOG = Logger.getLogger(HookRunner.class);
    /** util-linux's setsid: puts the hook in a new session and process group, so that the group can be killed. */
    private static final Path SETSID = java.util.stream.Stream.of("/usr/bin/setsid", "/bin/setsid").map(Path::of)
            .filter(Files::isExecutable).findFirst().orElse(null);
    /** How long the output of a hook that ended is still read (a background child may hold it open). */
    private static final Duration OUTPUT_GRACE = Duration.ofSeconds(2);

    private final BackupConfig config;

    HookRunner(BackupConfig config) {
        this.config = config;
    }

    /**
     * Runs {@code command} with the dataset's hooks around it; without hooks (a prune, a verify, a dry-run restore, a
     * dataset without hooks) just {@code command}.
     */
    Job around(Job job, Supplier<Job> command) {
        BackupConfig.DatasetHooks hooks = config.hooks().get(job.dataset());
        if (hooks == null) {
            return command.get();
        }
        // a switch expression: a new job type does not compile until whether it has hooks is decided
        Around around = switch (job.type()) {
            case BACKUP -> new Around("before-backup", hooks.beforeBackup(), "after-backup", hooks.afterBackup());
            // a dry run changes nothing: no server is stopped for it
            case RESTORE -> job.restoreOptions().dryRunAsked() ? null
                    : new Around("before-restore", hooks.beforeRestore(), "after-restore", hooks.afterRestore());
            case PRUNE, VERIFY -> null;
        };
        if (around == null) {
            return command.get();
        }
        String beforeName = around.beforeName();
        String afterName = around.afterName();
        java.util.Optional<BackupConfig.Hook> before = around.before();
        java.util.Optional<BackupConfig.Hook> after = around.after();
        if (before.isEmpty() && after.isEmpty()) {
            return command.get();
        }
        List<HookRun> runs = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        boolean partial = false;
        Job finished = null;
        if (before.isPresent()) {
            HookRun run = run(beforeName, before.get(), environment(job, beforeName, null, null));
            runs.add(run);
            if (!run.succeeded()) {
                if (before.get().onError() == BackupConfig.OnError.FAIL) {
                    finished = job.failed(java.time.Instant.now(), new JobError(ErrorCode.HOOK_FAILED, "hook "
                            + run.describe() + " (on-error=fail): the " + job.type().name().toLowerCase(
                                    java.util.Locale.ROOT) + " of dataset '" + job.dataset() + "' was not run"));
                } else {
                    partial = true;
                    warnings.add("hook " + run.describe() + " (on-error=continue): the "
                            + job.type().name().toLowerCase(java.util.Locale.ROOT) + " ran anyway");
                }
            }
        }
        if (finished == null) {
            finished = command.get();
        }
        if (after.isPresent()) {
            JobState status = partial && finished.status() == JobState.SUCCEEDED ? JobState.PARTIAL : finished.status();
            HookRun run = run(afterName, after.get(), environment(job, afterName, finished, status));
            runs.add(run);
            if (!run.succeeded()) {
                if (after.get().onError() == BackupConfig.OnError.FAIL) {
                    partial = true;
                    warnings.add("hook " + run.describe() + " (on-error=fail): the job is PARTIAL");
                } else {
                    warnings.add("hook " + run.describe() + " (on-error=continue)");
                }
            }
        }
        return finished.withHooks(runs, warnings, partial);
    }

    /** The two hooks of a job type, each maybe unset. */
    private record Around(String beforeName, java.util.Optional<BackupConfig.Hook> before, String afterName,
            java.util.Optional<BackupConfig.Hook> after) {
    }

    /**
     * The variables a hook gets besides the service's own environment: what the job is, and for an {@code after-*}
     * hook, what it did. A value not known (the cycle and level before a backup) is unset.
     */
    private Map<String, String> environment(Job job, String hook, Job finished, JobState status) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(Variable.BACKUP_HOOK.name(), hook);
        env.put(Variable.BACKUP_JOB_ID.name(), job.jobId());
        env.put(Variable.BACKUP_JOB_TYPE.name(), job.type().name());
        env.put(Variable.BACKUP_DATASET.name(), job.dataset());
        env.put(Variable.BACKUP_DATA_DIR.name(),
                config.dataRoot().resolve(job.dataset()).toAbsolutePath().normalize().toString());
        env.put(Variable.BACKUP_RESTORE_TARGET.name(), job.restoreOptions().target());
        Job known = finished != null ? finished : job;
        env.put(Variable.BACKUP_CYCLE.name(), known.cycle() == null ? null : String.valueOf(known.cycle()));
        env.put(Variable.BACKUP_LEVEL.name(), known.level() == null ? null : String.valueOf(known.level()));
        env.put(Variable.BACKUP_STATUS.name(), status == null ? null : status.name());
        return env;
    }

    /** The environment variables a hook gets, by their names (a variable not known for a hook is unset). */
    enum Variable {
        /** {@code before-backup}, {@code after-backup}, {@code before-restore} or {@code after-restore}. */
        BACKUP_HOOK,
        /** The job's id. */
        BACKUP_JOB_ID,
        /** {@code BACKUP} or {@code RESTORE}. */
        BACKUP_JOB_TYPE,
        /** The dataset's name. */
        BACKUP_DATASET,
        /** The dataset's directory in the data root, absolute. */
        BACKUP_DATA_DIR,
        /** A restore's target, when it has one. */
        BACKUP_RESTORE_TARGET,
        /** The cycle asked for (before a restore) or written or restored (after); unset before a backup. */
        BACKUP_CYCLE,
        /** Likewise the level; unset for a restore of a cycle's last level before it ran. */
        BACKUP_LEVEL,
        /** After-* only: the job's status before the hook's own outcome. */
        BACKUP_STATUS
    }

    /** Runs one hook to its end or its timeout, and logs what it did. */
    private HookRun run(String name, BackupConfig.Hook hook, Map<String, String> env) {
        String onError = hook.onError().name().toLowerCase(java.util.Locale.ROOT);
        HookRun run = execute(name, hook.command(), hook.timeout(), onError, env);
        String line = "hook " + name + " " + run.outcome() + ": exit=" + JobLog.value(run.exitCode()) + " durationMs="
                + run.durationMs() + " onError=" + onError + " output=" + JobLog.quote(run.output());
        if (run.succeeded()) {
            LOG.info(line);
        } else {
            LOG.warn(line);
        }
        return run;
    }

    static HookRun execute(String name, List<String> command, Duration timeout, String onError,
            Map<String, String> env) {
        List<String> argv = new ArrayList<>();
        if (SETSID != null) {
            // --wait: should setsid have to fork, it still ends with the command's status
            argv.add(SETSID.toString());
            argv.add("--wait");
        }
        argv.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        env.forEach((key, value) -> {
            if (value == null) {
                builder.environment().remove(key);
            } else {
                builder.environment().put(key, value);
            }
        });
        long start = System.nanoTime();
        Process process;
        try {
            process = builder.start();
        } catch (IOException | RuntimeException e) {
            return new HookRun(name, HookRun.Outcome.FAILED, null, onError, millisSince(start),
                    "cannot start " + command + ": " + e.getMessage(), false);
        }
        Tail tail = new Tail(OUTPUT_TAIL_BYTES);
        Thread reader = new Thread(() -> tail.drain(process.getInputStream()), "hook-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        boolean exited;
        try {
            exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            return new HookRun(name, HookRun.Outcome.FAILED, null, onError, millisSince(start),
                    "interrupted (the service is stopping); killed with its processes", false);
        }
        if (!exited) {
            killTree(process);
        }
        try {
            process.waitFor(10, TimeUnit.SECONDS);
            reader.join(OUTPUT_GRACE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long duration = millisSince(start);
        Tail.Text text = tail.text();
        if (!exited) {
            return new HookRun(name, HookRun.Outcome.TIMED_OUT, null, onError, duration, text.text(), text.truncated());
        }
        int status = process.exitValue();
        return new HookRun(name, status == 0 ? HookRun.Outcome.OK : HookRun.Outcome.FAILED, status, onError, duration,
                text.text(), text.truncated());
    }

    /**
     * Kills the hook and everything it started: its process group (the session {@code setsid} made, which holds
     * children that were re-parented when their parent died), then each descendant still known, then the hook.
     */
    private static void killTree(Process process) {
        // taken before any kill: once a parent dies its children are no longer the hook's descendants
        List<ProcessHandle> descendants = process.descendants().toList();
        if (SETSID != null) {
            try {
                Process kill = new ProcessBuilder("kill", "-KILL", "--", "-" + process.pid())
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                kill.waitFor(5, TimeUnit.SECONDS);
            } catch (IOException e) {
                LOG.warnf("cannot kill the process group of hook process %d: %s", process.pid(), e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** The last bytes of a stream: a ring buffer, so that a hook writing gigabytes costs a fixed amount of memory. */
    static final class Tail {
        private final byte[] ring;
        private long total;

        Tail(int size) {
            this.ring = new byte[size];
        }

        void drain(InputStream in) {
            byte[] chunk = new byte[4096];
            try (in) {
                int n;
                while ((n = in.read(chunk)) > 0) {
                    append(chunk, n);
                }
            } catch (IOException e) {
                // the hook's end closed the pipe: what was read is the output
            }
        }

        private synchronized void append(byte[] chunk, int n) {
            for (int i = 0; i < n; i++) {
                ring[(int) (total++ % ring.length)] = chunk[i];
            }
        }

        synchronized Text text() {
            int kept = (int) Math.min(total, ring.length);
            byte[] out = new byte[kept];
            int start = (int) ((total - kept) % ring.length);
            for (int i = 0; i < kept; i++) {
                out[i] = ring[(start + i) % ring.length];
            }
            return new Text(new String(out, StandardCharsets.UTF_8), total > ring.length);
        }

        record Text(String text, boolean truncated) {
        }
    }
}
