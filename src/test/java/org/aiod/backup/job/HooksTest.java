package org.aiod.backup.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.smallrye.config.SmallRyeConfigBuilder;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.engine.testing.TreeSnapshot;
import org.aiod.backup.messaging.JobEvent;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hooks of {@code backup.hooks."<dataset>".*}: real processes (sh, sleep) around real backups and restores of real
 * temporary trees, through the job runner's path ({@link JobRunner#runNow}, as the command line and, through
 * {@code JobService}, the service run a job).
 */
class HooksTest {

    @TempDir
    Path tmp;

    private Path data;
    private Path backups;
    /** Where the hooks write what they saw, and the switches the tests turn. */
    private Path out;
    private final Map<String, String> settings = new HashMap<>();

    @BeforeEach
    void roots() throws IOException {
        data = Files.createDirectories(tmp.resolve("data"));
        backups = Files.createDirectories(tmp.resolve("backups"));
        out = Files.createDirectories(tmp.resolve("out"));
    }

    @Test
    void aFailingBeforeHookWithFailEndsTheJobHookFailedWritesNoLevelAndTheAfterHookStillRuns() throws IOException {
        dataset("db");
        hook("db", "before-backup", "test ! -e " + out.resolve("refuse") + " || { echo cannot flush tables; exit 3; }");
        hook("db", "after-backup", "env > " + out.resolve("after.env"));
        JobRunner runner = runner();
        Job first = runner.runNow(backup("db"));
        assertEquals(JobState.SUCCEEDED, first.status(), String.valueOf(first));
        TreeSnapshot before = TreeSnapshot.of(backups.resolve("db"));

        Files.createFile(out.resolve("refuse"));
        Job job = runner.runNow(backup("db"));

        assertEquals(JobState.FAILED, job.status());
        assertEquals(ErrorCode.HOOK_FAILED, job.error().errorCode());
        assertTrue(job.error().message().contains("before-backup exited with status 3"), job.error().message());
        assertEquals(List.of(), TreeSnapshot.of(backups.resolve("db")).differencesFrom(before),
                "no level written, nothing changed in the backups");
        assertEquals(2, job.hooks().size());
        HookRun failed = job.hooks().get(0);
        assertEquals("before-backup", failed.hook());
        assertEquals(HookRun.Outcome.FAILED, failed.outcome());
        assertEquals(3, failed.exitCode());
        assertEquals("fail", failed.onError());
        assertEquals("cannot flush tables\n", failed.output());
        Map<String, String> after = env(out.resolve("after.env"));
        assertEquals("FAILED", after.get("BACKUP_STATUS"), "the after hook runs when its before hook ran, even failed");
        assertEquals(HookRun.Outcome.OK, job.hooks().get(1).outcome());
    }

    @Test
    void aFailingBeforeHookWithContinueRunsTheBackupAndEndsPartial() throws IOException {
        Path dir = dataset("db");
        hook("db", "before-backup", "echo lock not taken >&2; exit 2");
        settings.put("backup.hooks.db.before-backup.on-error", "continue");
        Job job = runner().runNow(backup("db"));

        assertEquals(JobState.PARTIAL, job.status(), String.valueOf(job));
        assertNull(job.error());
        assertEquals(0L, job.cycle());
        assertEquals(0, job.level());
        assertTrue(Files.isRegularFile(Path.of(job.archive())), "the level was written");
        assertEquals(Files.readString(dir.resolve("a.txt")), "alpha\n");
        assertEquals("lock not taken\n", job.hooks().get(0).output(), "standard error is kept too");
        assertTrue(job.warnings().stream().anyMatch(w -> w.contains("before-backup exited with status 2")
                && w.contains("on-error=continue")), String.valueOf(job.warnings()));
    }

    @Test
    void aFailingAfterHookMakesTheJobPartialUnlessItSaysContinue() throws IOException {
        dataset("db");
        dataset("other");
        hook("db", "after-backup", "exit 4");
        hook("other", "after-backup", "exit 4");
        settings.put("backup.hooks.other.after-backup.on-error", "continue");
        JobRunner runner = runner();

        Job failing = runner.runNow(backup("db"));
        assertEquals(JobState.PARTIAL, failing.status(), String.valueOf(failing));
        assertTrue(Files.isRegularFile(Path.of(failing.archive())), "the level is committed");
        assertEquals(4, failing.hooks().get(0).exitCode());
        assertTrue(failing.warnings().stream().anyMatch(w -> w.contains("after-backup exited with status 4")));

        Job continuing = runner.runNow(backup("other"));
        assertEquals(JobState.SUCCEEDED, continuing.status(), String.valueOf(continuing));
        assertTrue(continuing.warnings().stream().anyMatch(w -> w.contains("after-backup exited with status 4")
                && w.contains("on-error=continue")), String.valueOf(continuing.warnings()));
    }

    @Test
    void theAfterHookRunsWhenTheBackupItselfFailed() throws IOException {
        dataset("db");
        // the hook takes the directory away: the engine's backup fails, not the hook
        hook("db", "before-backup", "rm -rf \"$BACKUP_DATA_DIR\"");
        hook("db", "after-backup", "env > " + out.resolve("after.env"));
        Job job = runner().runNow(backup("db"));

        assertEquals(JobState.FAILED, job.status(), String.valueOf(job));
        assertFalse(job.error().errorCode() == ErrorCode.HOOK_FAILED, String.valueOf(job.error()));
        assertEquals(List.of("before-backup", "after-backup"), job.hooks().stream().map(HookRun::hook).toList());
        assertEquals("FAILED", env(out.resolve("after.env")).get("BACKUP_STATUS"));
    }

    @Test
    void hooksGetTheJobInTheirEnvironment() throws IOException {
        Path dir = dataset("db");
        for (String hook : List.of("before-backup", "after-backup", "before-restore", "after-restore")) {
            hook("db", hook, "env > " + out.resolve(hook + ".env"));
        }
        JobRunner runner = runner();
        Job backup = runner.runNow(backup("db"));
        assertEquals(JobState.SUCCEEDED, backup.status(), String.valueOf(backup));

        Map<String, String> before = env(out.resolve("before-backup.env"));
        assertEquals("before-backup", before.get("BACKUP_HOOK"));
        assertEquals(backup.jobId(), before.get("BACKUP_JOB_ID"));
        assertEquals("BACKUP", before.get("BACKUP_JOB_TYPE"));
        assertEquals("db", before.get("BACKUP_DATASET"));
        assertEquals(dir.toAbsolutePath().toString(), before.get("BACKUP_DATA_DIR"));
        assertFalse(before.containsKey("BACKUP_CYCLE"), "the engine chooses the cycle when it runs: " + before);
        assertFalse(before.containsKey("BACKUP_LEVEL"));
        assertFalse(before.containsKey("BACKUP_STATUS"));
        Map<String, String> after = env(out.resolve("after-backup.env"));
        assertEquals("0", after.get("BACKUP_CYCLE"));
        assertEquals("0", after.get("BACKUP_LEVEL"));
        assertEquals("SUCCEEDED", after.get("BACKUP_STATUS"));
        assertEquals(backup.jobId(), after.get("BACKUP_JOB_ID"));

        Files.writeString(dir.resolve("a.txt"), "changed\n");
        Job restore = runner.runNow(new JobCommand.Restore("db", 0L, null, null, null, JobSource.CLI));
        assertEquals(JobState.SUCCEEDED, restore.status(), String.valueOf(restore));
        assertEquals("alpha\n", Files.readString(dir.resolve("a.txt")));
        Map<String, String> beforeRestore = env(out.resolve("before-restore.env"));
        assertEquals("RESTORE", beforeRestore.get("BACKUP_JOB_TYPE"));
        assertEquals("0", beforeRestore.get("BACKUP_CYCLE"));
        assertFalse(beforeRestore.containsKey("BACKUP_LEVEL"), "no level asked: the cycle's last");
        Map<String, String> afterRestore = env(out.resolve("after-restore.env"));
        assertEquals("0", afterRestore.get("BACKUP_LEVEL"));
        assertEquals("SUCCEEDED", afterRestore.get("BACKUP_STATUS"));
        assertEquals(restore.jobId(), afterRestore.get("BACKUP_JOB_ID"));
    }

    @Test
    void aHookThatOutlivesItsTimeoutIsKilledWithEveryProcessItStarted() throws IOException {
        dataset("db");
        // a child in the background, and a grandchild whose parent exits at once (re-parented away from the hook:
        // only the process group reaches it); both would sleep on long after the shell is killed
        hook("db", "before-backup", "sleep 300 & echo $! > " + out.resolve("child.pid") + "; "
                + "(sleep 300 & echo $! > " + out.resolve("orphan.pid") + "); "
                // the shell's own pid without $$, which the configuration reads as a $
                + "read -r pid rest < /proc/self/stat; echo $pid > " + out.resolve("shell.pid")
                + "; echo waiting; sleep 300");
        settings.put("backup.hooks.db.before-backup.timeout", "1s");
        long started = System.nanoTime();
        Job job = runner().runNow(backup("db"));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertEquals(JobState.FAILED, job.status());
        assertEquals(ErrorCode.HOOK_FAILED, job.error().errorCode());
        HookRun run = job.hooks().get(0);
        assertEquals(HookRun.Outcome.TIMED_OUT, run.outcome());
        assertNull(run.exitCode());
        assertTrue(run.durationMs() >= 1000, String.valueOf(run));
        assertTrue(took.toSeconds() < 30, "the job did not wait for the sleeps: " + took);
        assertEquals("waiting\n", run.output());
        assertTrue(job.error().message().contains("timed out"), job.error().message());
        for (String pid : List.of("shell.pid", "child.pid", "orphan.pid")) {
            long id = Long.parseLong(Files.readString(out.resolve(pid)).trim());
            Awaitility.await(pid + " " + id + " killed").atMost(Duration.ofSeconds(10))
                    .until(() -> !running(id));
        }
        assertFalse(Files.exists(backups.resolve("db")), "no level written");
    }

    @Test
    void theOutputKeptIsItsLastEightKibibytes() throws IOException {
        dataset("db");
        hook("db", "before-backup", "head -c 20000 /dev/zero | tr '\\0' x; echo; echo END");
        Job job = runner().runNow(backup("db"));
        HookRun run = job.hooks().get(0);
        assertEquals(HookRun.Outcome.OK, run.outcome());
        assertTrue(run.outputTruncated());
        assertEquals(HookRunner.OUTPUT_TAIL_BYTES, run.output().length());
        assertTrue(run.output().endsWith("xxx\nEND\n"), run.output().substring(run.output().length() - 20));
    }

    @Test
    void aCommandThatCannotStartIsAFailedHookAndArgumentsAreNotGivenToAShell() throws IOException {
        dataset("db");
        dataset("plain");
        settings.put("backup.hooks.db.before-backup.command", "/nonexistent/dump-tool,--all");
        // no shell: the semicolon and the $ are the argument's own characters
        settings.put("backup.hooks.plain.before-backup.command[0]", "/bin/echo");
        settings.put("backup.hooks.plain.before-backup.command[1]", "a;b $HOME, c");
        JobRunner runner = runner();
        Job job = runner.runNow(backup("db"));
        assertEquals(JobState.FAILED, job.status());
        assertEquals(ErrorCode.HOOK_FAILED, job.error().errorCode());
        assertEquals(HookRun.Outcome.FAILED, job.hooks().get(0).outcome());
        // setsid reports it (status 127), or, without setsid, the service itself (no exit status)
        assertTrue(job.hooks().get(0).output().contains("/nonexistent/dump-tool"), job.hooks().get(0).output());

        Job plain = runner.runNow(backup("plain"));
        assertEquals(JobState.SUCCEEDED, plain.status());
        assertEquals("a;b $HOME, c\n", plain.hooks().get(0).output());
    }

    @Test
    void aDryRunRestoreAPruneAndADatasetWithoutHooksRunNone() throws IOException {
        dataset("db");
        dataset("free");
        hook("db", "before-restore", "touch " + out.resolve("restore-hook-ran"));
        JobRunner runner = runner();
        assertEquals(JobState.SUCCEEDED, runner.runNow(backup("db")).status());
        Job free = runner.runNow(backup("free"));
        assertEquals(JobState.SUCCEEDED, free.status());
        assertNull(free.hooks(), "no hooks ran: the job is as it always was");
        Job dryRun = runner.runNow(JobCommand.restore("db", 0L, null,
                new RestoreOptions(null, null, null, null, true), null, JobSource.CLI));
        assertEquals(JobState.SUCCEEDED, dryRun.status(), String.valueOf(dryRun));
        assertNull(dryRun.hooks());
        assertFalse(Files.exists(out.resolve("restore-hook-ran")));
    }

    @Test
    void theHooksAreInTheCompletionEventAndTheJournalRecord() throws IOException {
        dataset("db");
        hook("db", "after-backup", "echo flushed");
        Job job = runner().runNow(backup("db"));
        ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule());

        JsonNode event = json.valueToTree(JobEvent.of(job));
        JsonNode hook = event.get("hooks").get(0);
        assertEquals("after-backup", hook.get("hook").asText());
        assertEquals("OK", hook.get("outcome").asText());
        assertEquals(0, hook.get("exitCode").asInt());
        assertEquals("fail", hook.get("onError").asText());
        assertEquals("flushed\n", hook.get("output").asText());
        assertTrue(hook.has("durationMs"));
        assertFalse(hook.has("succeeded"));

        Job read = json.readValue(json.writeValueAsString(job), Job.class);
        assertEquals(job.hooks(), read.hooks(), "the journal keeps them");
        Job none = json.readValue(json.writeValueAsString(runner().runNow(backup("db")).withHooks(List.of(),
                List.of(), false)), Job.class);
        assertNotNull(none.hooks());
        assertFalse(json.valueToTree(new Job("j", null, null, JobType.BACKUP, "x", null, null, JobSource.CLI,
                JobState.QUEUED, null, null, null, null, null, null, null, List.of(), null)).has("hooks"),
                "a job without hooks is written as before");
    }

    @Test
    void eachHookIsLogged() throws IOException {
        dataset("db");
        hook("db", "before-backup", "echo dumped; exit 0");
        List<String> lines = new ArrayList<>();
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(HookRunner.class.getName());
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                lines.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            runner().runNow(backup("db"));
        } finally {
            logger.removeHandler(handler);
        }
        assertEquals(1, lines.size(), String.valueOf(lines));
        assertTrue(lines.get(0).matches("hook before-backup OK: exit=0 durationMs=\\d+ onError=fail output=\"dumped\\\\n\""),
                lines.get(0));
    }

    /** {@code sh -c script} as the hook. */
    private void hook(String dataset, String hook, String script) {
        String key = "backup.hooks." + dataset + "." + hook + ".command";
        settings.put(key + "[0]", "sh");
        settings.put(key + "[1]", "-c");
        settings.put(key + "[2]", script);
    }

    private Path dataset(String name) throws IOException {
        Path dir = Files.createDirectories(data.resolve(name));
        Files.writeString(dir.resolve("a.txt"), "alpha\n");
        Files.writeString(Files.createDirectories(dir.resolve("sub")).resolve("b.txt"), "beta\n");
        return dir;
    }

    private JobRunner runner() {
        Map<String, String> values = new HashMap<>(settings);
        values.put("backup.data-root", data.toString());
        values.put("backup.backup-root", backups.toString());
        BackupConfig config = new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .withMapping(BackupConfig.class)
                .withConverter(Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withDefaultValues(values)
                .withValidateUnknown(false)
                .build().getConfigMapping(BackupConfig.class);
        return JobRunner.standalone(config);
    }

    private static JobCommand backup(String dataset) {
        return JobCommand.backup(dataset, null, JobSource.CLI);
    }

    private static Map<String, String> env(Path file) throws IOException {
        return Files.readAllLines(file).stream().filter(l -> l.contains("="))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1),
                        (a, b) -> b));
    }

    /** Whether the process runs; a zombie (killed, not yet reaped by whoever adopted it) does not. */
    private static boolean running(long pid) throws IOException {
        Path stat = Path.of("/proc", String.valueOf(pid), "stat");
        try {
            String text = Files.readString(stat);
            return text.charAt(text.lastIndexOf(')') + 2) != 'Z';
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
    }
}
