package org.aiod.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

import org.aiod.backup.engine.testing.GnuTar;
import org.aiod.backup.engine.testing.TreeSnapshot;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** One run per dataset at a time: across threads, across processes, and never stuck after a crash. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DatasetLockTest {

    private static final String DS = "x";

    @TempDir
    Path tmp;

    private Path dataRoot;
    private Path backupRoot;
    private Path datasetDir;
    private EngineOptions options;
    private final List<Process> children = new ArrayList<>();
    private final ExecutorService other = Executors.newSingleThreadExecutor();

    @BeforeEach
    void setUp() throws IOException {
        dataRoot = tmp.resolve("data");
        backupRoot = tmp.resolve("backups");
        datasetDir = dataRoot.resolve(DS);
        Trees.write(datasetDir.resolve("a.txt"), "alpha\n");
        Trees.write(datasetDir.resolve("dir/b.bin"), Trees.randomBytes(7, 64 * 1024));
        Trees.symlink(datasetDir.resolve("dir/link"), "b.bin");
        options = EngineOptions.defaults(dataRoot, backupRoot);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        other.shutdownNow();
        for (Process child : children) {
            child.destroyForcibly();
            child.waitFor();
        }
    }

    @Test
    void secondThreadTimesOutWhileTheLockIsHeldAndGetsItOnceReleased() throws Exception {
        Path lockFile = tmp.resolve("locks").resolve(DS + ".lock");
        DatasetLock held = DatasetLock.acquire(lockFile, DS, Duration.ofSeconds(5));
        try {
            long start = System.nanoTime();
            Throwable t = other.submit(() -> tryAcquire(lockFile, DS, Duration.ofMillis(200))).get(10, TimeUnit.SECONDS);
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertInstanceOf(BackupException.LockTimeout.class, t, () -> "expected LOCK_TIMEOUT, got " + t);
            assertEquals("LOCK_TIMEOUT", ((BackupException) t).code());
            assertTrue(t.getMessage().contains("'" + DS + "'"), () -> "should name the dataset: " + t.getMessage());
            assertTrue(waitedMillis >= 200, "gave up after " + waitedMillis + " ms, before its 200 ms timeout");

            Path otherLock = tmp.resolve("locks").resolve("y.lock");
            assertEquals(null, other.submit(() -> tryAcquire(otherLock, "y", Duration.ofMillis(200)))
                    .get(10, TimeUnit.SECONDS), "another dataset's lock is independent");
        } finally {
            held.close();
        }
        assertEquals(null, other.submit(() -> tryAcquire(lockFile, DS, Duration.ofMillis(200)))
                .get(10, TimeUnit.SECONDS), "the lock is free once its holder closed it");
        assertTrue(Files.isRegularFile(lockFile), "the lock file is never deleted");
    }

    /** Acquires and releases; returns what was thrown, or null on success. */
    private static Throwable tryAcquire(Path lockFile, String dataset, Duration timeout) {
        try (DatasetLock lock = DatasetLock.acquire(lockFile, dataset, timeout)) {
            assertNotNull(lock);
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    @Test
    void lockHeldByAnotherProcessBlocksBackupAndRestoreUntilThatProcessIsKilled() throws Exception {
        Engine engine = new Engine(options);
        assertEquals(0, engine.backup(DS).level());
        Trees.tick(tmp);
        Trees.write(datasetDir.resolve("a.txt"), "alpha, changed\n");
        TreeSnapshot before = TreeSnapshot.of(datasetDir);

        Path lockFile = backupRoot.resolve(".aiod-backup").resolve("locks").resolve(DS + ".lock");
        Child child = startLockHolder(lockFile, DS);
        assertEquals("LOCKED", child.readLine(), child::describe);
        assertEquals(Long.toString(child.process().pid()), Files.readString(lockFile).strip(),
                "the lock file records its holder");

        Engine impatient = new Engine(options.withLockTimeout(Duration.ofMillis(300)));
        BackupException.LockTimeout backupTimeout = assertThrows(BackupException.LockTimeout.class,
                () -> impatient.backup(DS));
        assertTrue(backupTimeout.getMessage().contains("'" + DS + "'"), backupTimeout.getMessage());
        BackupException.LockTimeout restoreTimeout = assertThrows(BackupException.LockTimeout.class,
                () -> impatient.restore(DS, 0, null));
        assertTrue(restoreTimeout.getMessage().contains("'" + DS + "'"), restoreTimeout.getMessage());
        assertEquals(1, engine.cycles(DS).size());
        assertEquals(1, engine.cycles(DS).get(0).levels().size(), "a level was written while locked out");
        TreeSnapshot.of(datasetDir).assertSameAs(before, "the dataset after a restore that could not lock");
        assertEquals(List.of(), tmpFiles(), "temporary files left by runs that could not lock");

        child.process().destroyForcibly(); // SIGKILL: no chance to release anything itself
        child.process().waitFor();
        assertTrue(child.process().exitValue() != 0, "the holder was killed");

        BackupSummary level1 = impatient.backup(DS);
        assertEquals(0, level1.cycle());
        assertEquals(1, level1.level());
        RestoreSummary restored = impatient.restore(DS, 0, null);
        assertEquals(1, restored.level());
        TreeSnapshot.of(datasetDir).assertSameAs(before, "restore of level 1 after the holder died");
    }

    @Test
    void lockReleasedByAnotherProcessIsFreeAgain() throws Exception {
        Engine impatient = new Engine(options.withLockTimeout(Duration.ofMillis(300)));
        Path lockFile = backupRoot.resolve(".aiod-backup").resolve("locks").resolve(DS + ".lock");
        Child child = startLockHolder(lockFile, DS);
        assertEquals("LOCKED", child.readLine(), child::describe);
        assertThrows(BackupException.LockTimeout.class, () -> impatient.backup(DS));

        child.process().getOutputStream().close(); // the holder releases and says so
        assertEquals("RELEASED", child.readLine(), child::describe);
        assertEquals(0, child.process().waitFor(), child::describe);

        assertEquals(0, impatient.backup(DS).level());
    }

    @Test
    void concurrentBackupsOfOneDatasetRunOneAfterTheOther() throws Exception {
        for (int i = 0; i < 20; i++) {
            Trees.write(datasetDir.resolve("many/f" + i + ".bin"), Trees.randomBytes(100 + i, 16 * 1024));
        }
        Engine engine = new Engine(options);
        List<String> events = Collections.synchronizedList(new ArrayList<>());

        FutureTask<BackupSummary> second = new FutureTask<>(() -> engine.backup(DS, recorder("B", events)));
        Thread secondThread = new Thread(second, "backup-B");
        ProgressListener first = new ProgressListener() {
            @Override
            public void phase(Phase phase) {
                events.add("A:" + phase);
                if (phase == Phase.DIRECTORIES_WRITTEN) {
                    // start B while A holds the lock, and go on only once B is waiting for it
                    secondThread.start();
                    awaitWaiting(secondThread);
                }
            }
        };
        FutureTask<BackupSummary> firstTask = new FutureTask<>(() -> engine.backup(DS, first));
        Thread firstThread = new Thread(firstTask, "backup-A");
        firstThread.start();

        BackupSummary a = firstTask.get(30, TimeUnit.SECONDS);
        BackupSummary b = second.get(30, TimeUnit.SECONDS);

        assertEquals(0, a.cycle());
        assertEquals(0, a.level());
        assertEquals(0, b.cycle());
        assertEquals(1, b.level());
        List<String> expected = new ArrayList<>();
        for (String run : List.of("A", "B")) {
            for (Phase phase : List.of(Phase.LOCKED, Phase.DIRECTORIES_WRITTEN, Phase.FILES_WRITTEN,
                    Phase.ARCHIVE_SYNCED, Phase.ARCHIVE_COMMITTED, Phase.CHECKSUMS_WRITTEN,
                    Phase.SNAPSHOT_COMMITTED)) {
                expected.add(run + ":" + phase);
            }
        }
        assertEquals(expected, events, "the two runs interleaved");

        TreeSnapshot source = TreeSnapshot.of(datasetDir);
        Path cycleDir = backupRoot.resolve(DS).resolve(DS + "_0");
        List<Path> archives = List.of(cycleDir.resolve("x0.tar.gz"), cycleDir.resolve("x1.tar.gz"));
        for (int level = 0; level < archives.size(); level++) {
            Path dest = tmp.resolve("gnutar-" + level);
            GnuTar.legacyRestoreChain(dest, archives.subList(0, level + 1));
            TreeSnapshot.of(dest.resolve(DS)).assertSameAs(source, "GNU tar restore of level " + level);
        }
        assertEquals(List.of(), tmpFiles());
    }

    private static ProgressListener recorder(String run, List<String> events) {
        return new ProgressListener() {
            @Override
            public void phase(Phase phase) {
                events.add(run + ":" + phase);
            }
        };
    }

    /** Waits until {@code thread} is parked (waiting for the lock); fails if it ends first. */
    private static void awaitWaiting(Thread thread) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            Thread.State state = thread.getState();
            if (state == Thread.State.TIMED_WAITING || state == Thread.State.WAITING) {
                return;
            }
            if (state == Thread.State.TERMINATED) {
                fail(thread.getName() + " ended instead of waiting for the lock");
            }
            if (System.nanoTime() > deadline) {
                fail(thread.getName() + " never waited for the lock (state " + state + ")");
            }
            Thread.onSpinWait();
        }
    }

    private List<String> tmpFiles() throws IOException {
        Path dir = backupRoot.resolve(".aiod-backup").resolve("tmp").resolve(DS);
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (var entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private record Child(Process process, BufferedReader stdout, Path stderr) {
        String readLine() throws IOException {
            return stdout.readLine();
        }

        String describe() {
            try {
                return "lock holder (pid " + process.pid() + ") stderr:\n" + Files.readString(stderr);
            } catch (IOException e) {
                return "lock holder: " + e;
            }
        }
    }

    private Child startLockHolder(Path lockFile, String dataset) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path stderr = tmp.resolve("holder-" + children.size() + ".err");
        Process process = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), LockHolderMain.class.getName(),
                lockFile.toString(), dataset)
                .redirectError(stderr.toFile())
                .start();
        children.add(process);
        return new Child(process, new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)), stderr);
    }
}
