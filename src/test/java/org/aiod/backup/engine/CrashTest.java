package org.aiod.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.aiod.backup.engine.testing.GnuTar;
import org.aiod.backup.engine.testing.TreeSnapshot;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A backup or restore killed at any step leaves every committed level restorable, nothing that counts as a level
 * unless the level was committed, and a state from which the next run carries on correctly.
 */
class CrashTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"LOCKED", "DIRECTORIES_WRITTEN", "FILE:3", "FILES_WRITTEN", "ARCHIVE_SYNCED",
        "ARCHIVE_COMMITTED", "CHECKSUMS_WRITTEN", "SNAPSHOT_COMMITTED"})
    void backupKilledAtAnyStepLeavesEarlierLevelsRestorableAndTheNextLevelCorrect(String haltAt) throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path backups = tmp.resolve("backups");
        Path dataset = data.resolve("x");
        createTree(dataset);
        Engine engine = new Engine(EngineOptions.defaults(data, backups).withCycleLength(100));
        engine.backup("x");
        TreeSnapshot level0 = TreeSnapshot.of(dataset);

        Trees.write(dataset.resolve("d1/new.txt"), "added after level 0");
        Files.delete(dataset.resolve("d2/f0.txt"));
        Trees.write(dataset.resolve("top.txt"), "rewritten after level 0");
        TreeSnapshot level1 = TreeSnapshot.of(dataset);

        assertEquals(CrashingRunMain.HALTED, runChild(data, backups, "backup", haltAt));

        boolean committed = List.of("ARCHIVE_COMMITTED", "CHECKSUMS_WRITTEN", "SNAPSHOT_COMMITTED").contains(haltAt);
        List<LevelInfo> levels = engine.cycles("x").get(0).levels();
        assertEquals(committed ? 2 : 1, levels.size(), "levels after a kill at " + haltAt);
        Path restoreRoot = Files.createDirectories(tmp.resolve("restored"));
        Engine restorer = new Engine(EngineOptions.defaults(restoreRoot, backups));
        restorer.restore("x", 0, 0);
        TreeSnapshot.of(restoreRoot.resolve("x")).assertSameAs(level0, "level 0 after a kill at " + haltAt);
        if (committed) {
            restorer.restore("x", 0, 1);
            TreeSnapshot.of(restoreRoot.resolve("x")).assertSameAs(level1, "level 1 after a kill at " + haltAt);
        }

        Files.delete(dataset.resolve("d1/new.txt"));
        Trees.write(dataset.resolve("d3/later.txt"), "added after the kill");
        TreeSnapshot next = TreeSnapshot.of(dataset);
        BackupSummary summary = engine.backup("x");
        assertEquals(committed ? 2 : 1, summary.level());
        restorer.restore("x", 0, null);
        TreeSnapshot.of(restoreRoot.resolve("x")).assertSameAs(next, "level after the kill at " + haltAt);

        Path gnu = Files.createDirectories(tmp.resolve("gnu"));
        List<Path> chain = new ArrayList<>();
        engine.cycles("x").get(0).levels().forEach(level -> chain.add(level.archive()));
        GnuTar.legacyRestoreChain(gnu, chain);
        TreeSnapshot.of(gnu.resolve("x")).assertSameAs(next, "GNU tar restore after a kill at " + haltAt);

        try (Stream<Path> leftovers = Files.list(backups.resolve(".aiod-backup/tmp/x"))) {
            assertEquals(List.of(), leftovers.toList(), "temporary files left after the next backup");
        }
        GnuTar.Result check = GnuTar.run(levels.get(0).archive().getParent(), List.of("sha256sum", "-c",
                Layout.SUMS), false);
        assertEquals(0, check.exitCode(), check.stderr());
    }

    @ParameterizedTest
    @ValueSource(strings = {"FILE:2", "STAGED", "OLD_CONTENT_MOVED", "SWAPPED"})
    void restoreKilledAtAnyStepIsRolledBackOrCompletedByTheNextRun(String haltAt) throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path backups = tmp.resolve("backups");
        Path dataset = data.resolve("x");
        createTree(dataset);
        Engine engine = new Engine(EngineOptions.defaults(data, backups).withCycleLength(100));
        engine.backup("x");
        TreeSnapshot level0 = TreeSnapshot.of(dataset);
        Trees.write(dataset.resolve("d1/new.txt"), "added after level 0");
        Trees.deleteRecursively(dataset.resolve("d2"));
        engine.backup("x");
        Trees.write(dataset.resolve("unsaved.txt"), "written after the last backup");
        TreeSnapshot current = TreeSnapshot.of(dataset);

        assertEquals(CrashingRunMain.HALTED, runChild(data, backups, "restore", haltAt, "0", "0"));

        // what the service does at start-up, before any job on the dataset
        List<LeftoverRecovery> report = new Engine(EngineOptions.defaults(data, backups)).recoverLeftovers();
        boolean swapBegun = haltAt.equals("OLD_CONTENT_MOVED") || haltAt.equals("SWAPPED");
        assertEquals(1, report.size(), report.toString());
        assertEquals(LeftoverRecovery.Outcome.RECOVERED, report.get(0).outcome(), report.toString());
        assertEquals(swapBegun ? 1 : 0, report.get(0).swapsCompleted(), report.toString());
        assertEquals(swapBegun ? 0 : 1, report.get(0).stagingRemoved(), report.toString());
        assertEquals(List.of(), report.get(0).notes());
        assertFalse(Files.exists(backups.resolve(".aiod-backup/staging/x")), "staging record left after recovery");
        // the dataset directory's own mtime changes with every entry moved in or out; its content is what counts
        TreeSnapshot after = TreeSnapshot.of(dataset).ignoringDirectoryMtimes();
        after.assertSameAs(swapBegun ? level0.ignoringDirectoryMtimes() : current.ignoringDirectoryMtimes(),
                "after a restore killed at " + haltAt + " and recovered");
        try (Stream<Path> entries = Files.list(dataset)) {
            assertTrue(entries.noneMatch(p -> p.getFileName().toString().startsWith(".aiod-")),
                    "working directories left in the dataset after recovery");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"DIRECTORIES_WRITTEN", "FILES_WRITTEN", "ARCHIVE_SYNCED"})
    void temporaryFilesOfAKilledBackupAreRemovedAtStartUp(String haltAt) throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path backups = tmp.resolve("backups");
        createTree(data.resolve("x"));
        Trees.write(data.resolve("quiet/file.txt"), "a dataset without leftovers");
        Engine engine = new Engine(EngineOptions.defaults(data, backups));
        engine.backup("quiet");
        assertEquals(CrashingRunMain.HALTED, runChild(data, backups, "backup", haltAt));
        Path tmpDir = backups.resolve(".aiod-backup/tmp/x");
        long leftovers;
        try (Stream<Path> entries = Files.list(tmpDir)) {
            leftovers = entries.count();
        }
        assertTrue(leftovers >= 2, "the archive and snapshot being written: " + leftovers);

        List<LeftoverRecovery> report = engine.recoverLeftovers();

        assertEquals(List.of(new LeftoverRecovery("x", LeftoverRecovery.Outcome.RECOVERED, leftovers, 0, 0,
                List.of())), report);
        try (Stream<Path> entries = Files.list(tmpDir)) {
            assertEquals(List.of(), entries.toList());
        }
        assertEquals(List.of(), engine.recoverLeftovers(), "nothing left the second time");
    }

    @org.junit.jupiter.api.Test
    void datasetWhoseLockIsHeldIsSkippedAndSaysSo() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path backups = tmp.resolve("backups");
        createTree(data.resolve("x"));
        assertEquals(CrashingRunMain.HALTED, runChild(data, backups, "backup", "FILES_WRITTEN"));
        Engine engine = new Engine(EngineOptions.defaults(data, backups));
        List<String> leftovers;
        try (Stream<Path> entries = Files.list(backups.resolve(".aiod-backup/tmp/x"))) {
            leftovers = entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
        Thread holder = null;
        java.util.concurrent.CountDownLatch locked = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        holder = new Thread(() -> {
            try (DatasetLock lock = DatasetLock.acquire(backups.resolve(".aiod-backup/locks/x.lock"), "x",
                    java.time.Duration.ofSeconds(10))) {
                locked.countDown();
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        holder.start();
        try {
            locked.await();
            List<LeftoverRecovery> report = engine.recoverLeftovers();
            assertEquals(1, report.size(), report.toString());
            assertEquals(LeftoverRecovery.Outcome.SKIPPED_LOCKED, report.get(0).outcome());
            assertTrue(report.get(0).notes().get(0).contains("lock"), report.toString());
            try (Stream<Path> entries = Files.list(backups.resolve(".aiod-backup/tmp/x"))) {
                assertEquals(leftovers, entries.map(p -> p.getFileName().toString()).sorted().toList(),
                        "a locked dataset's files are not touched");
            }
        } finally {
            release.countDown();
            holder.join();
        }
        assertEquals(LeftoverRecovery.Outcome.RECOVERED, engine.recoverLeftovers().get(0).outcome());
    }

    private static void createTree(Path dataset) throws IOException {
        Trees.write(dataset.resolve("top.txt"), "top");
        for (int d = 1; d <= 3; d++) {
            for (int f = 0; f < 4; f++) {
                Trees.write(dataset.resolve("d" + d + "/f" + f + ".txt"), "file " + d + "/" + f);
            }
        }
        Trees.write(dataset.resolve("d1/big.bin"), Trees.randomBytes(7, 3 << 20));
        Trees.symlink(dataset.resolve("link"), "top.txt");
    }

    static int runChild(Path data, Path backups, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), CrashingRunMain.class.getName(), data.toString(),
                backups.toString()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile(data.getParent(), "child-", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        int exit = process.waitFor();
        if (exit != CrashingRunMain.HALTED) {
            // show why the child died otherwise: the assertion on the exit code then explains itself
            System.err.println("child " + String.join(" ", args) + " exited " + exit + ":\n" + Files.readString(log));
        }
        return exit;
    }
}
