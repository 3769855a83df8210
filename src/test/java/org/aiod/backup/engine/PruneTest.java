package org.aiod.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.aiod.backup.engine.testing.TreeSnapshot;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Prune on real backups written by the engine: whole cycles go, the rest restores file by file; a dry run changes
 * nothing and says what the real prune does; a prune killed at any step leaves whole cycles only; prune and backup
 * racing on one dataset lose no level; a symlink in the prune workspace is never followed.
 */
class PruneTest {

    private static final String DS = "x";

    @TempDir
    Path tmp;

    private Path data;
    private Path backups;
    private Path dataset;
    private Engine engine;
    /** The dataset's tree at each level written, by "cycle/level". */
    private final Map<String, TreeSnapshot> written = new HashMap<>();

    @BeforeEach
    void roots() throws IOException {
        data = Files.createDirectories(tmp.resolve("data"));
        backups = tmp.resolve("backups");
        dataset = data.resolve(DS);
        Trees.write(dataset.resolve("top.txt"), "top");
        Trees.write(dataset.resolve("d/big.bin"), Trees.randomBytes(3, 256 << 10));
        Trees.symlink(dataset.resolve("link"), "top.txt");
        engine = new Engine(EngineOptions.defaults(data, backups).withCycleLength(2));
    }

    @Test
    void pruneRemovesWholeCyclesAndTheKeptOnesRestoreFileByFile() throws Exception {
        backups(7); // cycles 0, 1, 2 with levels 0-1, cycle 3 with level 0
        Map<Long, TreeSnapshot> keptBefore = Map.of(2L, TreeSnapshot.of(cycleDir(2)),
                3L, TreeSnapshot.of(cycleDir(3)));
        long bytes0 = bytesOf(cycleDir(0));
        long bytes1 = bytesOf(cycleDir(1));
        List<Phase> phases = new ArrayList<>();

        PruneSummary summary = engine.prune(DS, keepLast(2), false, new ProgressListener() {
            @Override
            public void phase(Phase phase) {
                phases.add(phase);
            }
        });

        assertEquals(List.of(new PruneSummary.Removed(0, 2, bytes0), new PruneSummary.Removed(1, 2, bytes1)),
                summary.removed());
        assertEquals(bytes0 + bytes1, summary.bytesFreed());
        assertEquals(List.of(new PruneSummary.Kept(2, List.of("keep-last")),
                new PruneSummary.Kept(3, List.of("newest-cycle", "newest-full", "keep-last"))), summary.kept());
        assertFalse(summary.dryRun());
        assertEquals(List.of(), summary.warnings());
        assertEquals(List.of(Phase.LOCKED, Phase.PRUNE_RECORDED, Phase.PRUNE_MOVED, Phase.PRUNE_DELETED,
                Phase.PRUNE_RECORDED, Phase.PRUNE_MOVED, Phase.PRUNE_DELETED), phases);
        assertEquals(List.of(DS + "_2", DS + "_3"), names(backups.resolve(DS)));
        keptBefore.forEach((cycle, before) -> {
            try {
                TreeSnapshot.of(cycleDir(cycle)).assertSameAs(before, "kept cycle " + cycle);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        assertRestores("2/0", "2/1", "3/0");
        assertNoPruneLeftovers();
        // the cycle being written goes on where it was
        BackupSummary next = backup();
        assertEquals(3, next.cycle());
        assertEquals(1, next.level());
    }

    @Test
    void dryRunChangesNothingAndReportsWhatTheRealPruneDoes() throws Exception {
        backups(6); // cycles 0, 1, 2, each with levels 0-1
        // the dry run takes the dataset's lock: the lock file is written, nothing else
        TreeSnapshot before = TreeSnapshot.of(backups, path -> path.startsWith(".aiod-backup/locks"));

        PruneSummary dry = engine.prune(DS, keepLast(1), true, ProgressListener.NONE);

        TreeSnapshot.of(backups, path -> path.startsWith(".aiod-backup/locks")).assertSameAs(before,
                "the backup root after a dry run");
        assertTrue(dry.dryRun());
        assertEquals(List.of(0L, 1L), dry.removed().stream().map(PruneSummary.Removed::cycle).toList());
        assertEquals(bytesOf(cycleDir(0)) + bytesOf(cycleDir(1)), dry.bytesFreed());

        PruneSummary real = engine.prune(DS, keepLast(1), false, ProgressListener.NONE);

        assertEquals(dry.removed(), real.removed());
        assertEquals(dry.kept(), real.kept());
        assertEquals(dry.bytesFreed(), real.bytesFreed());
        assertEquals(List.of(DS + "_2"), names(backups.resolve(DS)));
    }

    @Test
    void policyThatKeepsEverythingRemovesNothing() throws Exception {
        backups(5);
        TreeSnapshot before = TreeSnapshot.of(backups.resolve(DS));

        PruneSummary summary = engine.prune(DS, RetentionPolicy.KEEP_ALL, false, ProgressListener.NONE);

        TreeSnapshot.of(backups.resolve(DS)).assertSameAs(before, "the backups after a keep-all prune");
        assertEquals(List.of(), summary.removed());
        assertEquals(0, summary.bytesFreed());
        assertEquals(3, summary.kept().size());
    }

    @Test
    void datasetWithoutBackupsIsRefused() {
        BackupException e = assertThrows(BackupException.class,
                () -> engine.prune("nothing", keepLast(1), false, ProgressListener.NONE));
        assertEquals(BackupException.Kind.DATASET_NOT_FOUND, e.kind());
    }

    @ParameterizedTest
    @ValueSource(strings = {"LOCKED", "PRUNE_RECORDED", "PRUNE_MOVED", "PRUNE_DELETED"})
    void pruneKilledAtAnyStepLeavesWholeCyclesOnlyAndEveryKeptCycleRestores(String haltAt) throws Exception {
        backups(5); // cycles 0, 1 with levels 0-1, cycle 2 with level 0
        Map<Long, TreeSnapshot> cyclesBefore = new HashMap<>();
        for (long cycle = 0; cycle <= 2; cycle++) {
            cyclesBefore.put(cycle, TreeSnapshot.of(cycleDir(cycle)));
        }

        assertEquals(CrashingRunMain.HALTED, CrashTest.runChild(data, backups, "prune", haltAt, "1"));

        // the first cycle (0) is whole in place before its move, gone after; the others are untouched
        boolean moved = !haltAt.equals("LOCKED") && !haltAt.equals("PRUNE_RECORDED");
        assertEquals(moved ? List.of(DS + "_1", DS + "_2") : List.of(DS + "_0", DS + "_1", DS + "_2"),
                names(backups.resolve(DS)), "after a kill at " + haltAt);
        for (String name : names(backups.resolve(DS))) {
            long cycle = Long.parseLong(name.substring(DS.length() + 1));
            TreeSnapshot.of(cycleDir(cycle)).assertSameAs(cyclesBefore.get(cycle), "cycle " + cycle + " after a kill"
                    + " at " + haltAt);
        }
        if (haltAt.equals("PRUNE_MOVED")) {
            // a deletion killed part-way: some of the moved cycle's files are already gone
            try (Stream<Path> movedDirs = Files.list(backups.resolve(".aiod-backup/pruning").resolve(DS))) {
                Path movedDir = movedDirs.findFirst().orElseThrow();
                Files.delete(movedDir.resolve(DS + "0.tar.gz"));
            }
        }
        List<String> restorable = new ArrayList<>(List.of("1/0", "1/1", "2/0"));
        if (!moved) {
            restorable.addAll(List.of("0/0", "0/1"));
        }
        assertRestores(restorable.toArray(String[]::new));

        // what the service does at start-up
        List<LeftoverRecovery> report = engine.recoverLeftovers();

        if (haltAt.equals("LOCKED")) {
            assertEquals(List.of(), report);
        } else {
            assertEquals(1, report.size(), report.toString());
            assertEquals(LeftoverRecovery.Outcome.RECOVERED, report.get(0).outcome(), report.toString());
            String note = String.join("\n", report.get(0).notes());
            if (haltAt.equals("PRUNE_MOVED")) {
                assertTrue(note.contains("finished removing cycle 0"), note);
            } else if (haltAt.equals("PRUNE_RECORDED")) {
                assertTrue(note.contains("cycle 0") && note.contains("whole in place"), note);
            } else {
                assertEquals("", note);
            }
        }
        assertNoPruneLeftovers();
        assertEquals(moved ? List.of(DS + "_1", DS + "_2") : List.of(DS + "_0", DS + "_1", DS + "_2"),
                names(backups.resolve(DS)), "recovery neither removes nor brings back a cycle");

        PruneSummary again = engine.prune(DS, keepLast(1), false, ProgressListener.NONE);
        assertEquals(moved ? List.of(1L) : List.of(0L, 1L),
                again.removed().stream().map(PruneSummary.Removed::cycle).toList());
        assertEquals(List.of(DS + "_2"), names(backups.resolve(DS)));
        TreeSnapshot.of(cycleDir(2)).assertSameAs(cyclesBefore.get(2L), "the newest cycle");
        BackupSummary next = backup();
        assertEquals(2, next.cycle());
        assertEquals(1, next.level());
        assertRestores("2/0", "2/1");
    }

    @Test
    void killedPruneIsFinishedByTheNextBackupOfTheDataset() throws Exception {
        backups(5);
        assertEquals(CrashingRunMain.HALTED, CrashTest.runChild(data, backups, "prune", "PRUNE_MOVED", "1"));

        BackupSummary next = backup();

        assertEquals(2, next.cycle());
        assertEquals(1, next.level());
        assertTrue(next.warnings().stream().anyMatch(w -> w.contains("finished removing cycle 0")),
                next.warnings().toString());
        assertNoPruneLeftovers();
        assertRestores("1/0", "1/1", "2/0", "2/1");
    }

    @Test
    void pruneAndBackupRacingOnOneDatasetLoseNoLevelAndLeaveNoCycleHalfGone() throws Exception {
        int rounds = 16;
        Engine racing = new Engine(EngineOptions.defaults(data, backups).withCycleLength(2)
                .withLockTimeout(Duration.ofSeconds(30)));
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<PruneSummary> prunes = new ConcurrentLinkedQueue<>();
        List<BackupSummary> levels = new ArrayList<>();
        AtomicBoolean done = new AtomicBoolean();
        Thread pruner = new Thread(() -> {
            try {
                while (!done.get()) {
                    try {
                        prunes.add(racing.prune(DS, keepLast(1), false, ProgressListener.NONE));
                    } catch (BackupException e) {
                        if (e.kind() != BackupException.Kind.LOCK_TIMEOUT
                                && e.kind() != BackupException.Kind.DATASET_NOT_FOUND) {
                            throw e;
                        }
                    }
                }
            } catch (Throwable t) {
                failures.add(t);
            }
        });
        pruner.start();
        try {
            for (int i = 0; i < rounds; i++) {
                Trees.write(dataset.resolve("round.txt"), "round " + i);
                TreeSnapshot tree = TreeSnapshot.of(dataset);
                BackupSummary summary;
                try {
                    summary = racing.backup(DS);
                } catch (BackupException e) {
                    assertEquals(BackupException.Kind.LOCK_TIMEOUT, e.kind(), e.getMessage());
                    i--;
                    continue;
                }
                levels.add(summary);
                written.put(summary.cycle() + "/" + summary.level(), tree);
            }
        } finally {
            done.set(true);
            pruner.join();
        }

        assertEquals(List.of(), List.copyOf(failures));
        // the cycle being written was never taken away: every backup continued the chain as the cycle rule says
        for (int i = 0; i < levels.size(); i++) {
            assertEquals(List.of((long) i / 2, (long) i % 2), List.of(levels.get(i).cycle(),
                    (long) levels.get(i).level()), "backup " + i);
        }
        // whole cycles only: every cycle a prune took had all its levels, and every cycle left has all of its own
        for (PruneSummary prune : prunes) {
            for (PruneSummary.Removed removed : prune.removed()) {
                assertEquals(2, removed.levels(), "cycle " + removed.cycle() + " removed by " + prune);
            }
        }
        assertTrue(prunes.stream().anyMatch(p -> !p.removed().isEmpty()), "the prunes removed something");
        List<CycleInfo> left = engine.cycles(DS);
        for (CycleInfo cycle : left) {
            assertEquals(List.of(), cycle.missingLevels(), "cycle " + cycle.cycle());
            assertEquals(2, cycle.levels().size(), "cycle " + cycle.cycle());
        }
        assertEquals(rounds / 2 - 1, left.get(left.size() - 1).cycle());
        List<String> restorable = new ArrayList<>();
        left.forEach(c -> c.levels().forEach(l -> restorable.add(c.cycle() + "/" + l.level())));
        assertRestores(restorable.toArray(String[]::new));
        assertNoPruneLeftovers();
    }

    @Test
    void symlinkPlantedForAMovedCycleIsNotFollowedByRecovery() throws Exception {
        backups(5);
        Path elsewhere = tmp.resolve("elsewhere");
        Trees.write(elsewhere.resolve("secret.txt"), "outside the backup root");
        Trees.write(elsewhere.resolve("deep/keep.txt"), "outside too");
        TreeSnapshot outside = TreeSnapshot.of(elsewhere);
        assertEquals(CrashingRunMain.HALTED, CrashTest.runChild(data, backups, "prune", "PRUNE_MOVED", "1"));
        Path movedDir;
        try (Stream<Path> entries = Files.list(backups.resolve(".aiod-backup/pruning").resolve(DS))) {
            movedDir = entries.findFirst().orElseThrow();
        }
        // someone takes the moved cycle away and puts a symlink to elsewhere in its place
        Files.move(movedDir, tmp.resolve("taken-away"));
        Files.createSymbolicLink(movedDir, elsewhere.toAbsolutePath());

        List<LeftoverRecovery> report = engine.recoverLeftovers();

        TreeSnapshot.of(elsewhere).assertSameAs(outside, "the symlink's target after recovery");
        assertTrue(Files.isSymbolicLink(movedDir), "the symlink is left alone");
        assertEquals(1, report.size(), report.toString());
        assertTrue(report.get(0).notes().stream().anyMatch(n -> n.contains(movedDir.getFileName().toString())
                && n.contains("left alone")), report.toString());
        assertFalse(Files.exists(backups.resolve(".aiod-backup/prune").resolve(DS)), "record removed");
    }

    @Test
    void pruneWorkspaceThatIsASymlinkIsRefusedBeforeAnyCycleMoves() throws Exception {
        backups(5);
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.createDirectories(backups.resolve(".aiod-backup/pruning"));
        Files.createSymbolicLink(backups.resolve(".aiod-backup/pruning").resolve(DS), elsewhere.toAbsolutePath());
        TreeSnapshot before = TreeSnapshot.of(backups, path -> path.startsWith(".aiod-backup/locks"));

        BackupException e = assertThrows(BackupException.class,
                () -> engine.prune(DS, keepLast(1), false, ProgressListener.NONE));

        assertEquals(BackupException.Kind.NOT_WRITABLE, e.kind());
        assertTrue(e.getMessage().contains("not a real directory"), e.getMessage());
        TreeSnapshot.of(backups, path -> path.startsWith(".aiod-backup/locks")).assertSameAs(before,
                "the backup root after a refused prune");
        assertEquals(List.of(), names(elsewhere), "nothing moved through the symlink");
    }

    private void backups(int count) throws IOException {
        for (int i = 0; i < count; i++) {
            Trees.write(dataset.resolve("level-" + i + ".txt"), "written before backup " + i);
            Files.deleteIfExists(dataset.resolve("level-" + (i - 1) + ".txt"));
            backup();
        }
    }

    private BackupSummary backup() throws IOException {
        TreeSnapshot tree = TreeSnapshot.of(dataset);
        BackupSummary summary = engine.backup(DS);
        written.put(summary.cycle() + "/" + summary.level(), tree);
        return summary;
    }

    /** Restores each "cycle/level" into a fresh data root and compares it with the tree that level was written of. */
    private void assertRestores(String... levels) throws IOException {
        for (String level : levels) {
            String[] parts = level.split("/");
            Path root = Files.createDirectories(tmp.resolve("restored-" + System.nanoTime()));
            new Engine(EngineOptions.defaults(root, backups)).restore(DS, Long.parseLong(parts[0]),
                    Integer.valueOf(parts[1]));
            TreeSnapshot.of(root.resolve(DS)).assertSameAs(written.get(level), "level " + level + " restored");
        }
    }

    private void assertNoPruneLeftovers() throws IOException {
        assertFalse(Files.exists(backups.resolve(".aiod-backup/prune").resolve(DS)), "prune record left");
        Path workspace = backups.resolve(".aiod-backup/pruning").resolve(DS);
        if (Files.exists(workspace)) {
            assertEquals(List.of(), names(workspace), "prune workspace left");
        }
    }

    private Path cycleDir(long cycle) {
        return backups.resolve(DS).resolve(DS + "_" + cycle);
    }

    private static RetentionPolicy keepLast(int n) {
        return new RetentionPolicy(n, null, 0, 0, 0, ZoneOffset.UTC);
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static long bytesOf(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
