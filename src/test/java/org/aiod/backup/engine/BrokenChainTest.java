package org.aiod.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.aiod.backup.engine.testing.TreeSnapshot;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cycle whose middle level's archive is gone: the chain of increments is broken, and nothing may paper over it.
 * The next backup opens a new cycle and says why, a restore past the gap fails with {@code CHAIN_BROKEN} (never an
 * older state in silence), and the listing and verify show the gap.
 */
class BrokenChainTest {

    private static final String DS = "x";

    @TempDir
    Path tmp;

    private Path dataRoot;
    private Path backupRoot;
    private Path datasetDir;
    private Engine engine;
    private TreeSnapshot level0;
    private Path cycle0;

    @BeforeEach
    void levelsZeroOneTwoThenLevelOneLost() throws IOException {
        dataRoot = Files.createDirectories(tmp.resolve("data"));
        backupRoot = tmp.resolve("backups");
        datasetDir = dataRoot.resolve(DS);
        engine = new Engine(EngineOptions.defaults(dataRoot, backupRoot).withCycleLength(100));
        Trees.write(datasetDir.resolve("a.txt"), "level 0");
        engine.backup(DS);
        level0 = TreeSnapshot.of(datasetDir);
        Trees.write(datasetDir.resolve("b.txt"), "level 1");
        engine.backup(DS);
        Trees.write(datasetDir.resolve("c.txt"), "level 2");
        engine.backup(DS);
        cycle0 = backupRoot.resolve(DS).resolve(DS + "_0");
        Files.delete(cycle0.resolve("x1.tar.gz"));
        Trees.write(datasetDir.resolve("d.txt"), "after level 2");
    }

    @Test
    void nextBackupOpensANewCycleAtLevelZeroWithAWarning() throws IOException {
        TreeSnapshot now = TreeSnapshot.of(datasetDir);

        BackupSummary summary = engine.backup(DS);

        assertEquals(1, summary.cycle(), summary.toString());
        assertEquals(0, summary.level(), summary.toString());
        assertTrue(summary.warnings().stream().anyMatch(w -> w.contains("cycle 0") && w.contains("level 1")
                && w.contains("opening cycle 1")), summary.warnings().toString());
        assertTrue(Files.exists(cycle0.resolve("x2.tar.gz")), "the gapped cycle is left as it is");
        assertEquals(List.of("x0.tar.gz", "x2.tar.gz"), archivesIn(cycle0));

        Path restoreRoot = Files.createDirectories(tmp.resolve("restored"));
        new Engine(EngineOptions.defaults(restoreRoot, backupRoot)).restore(DS, 1, null);
        TreeSnapshot.of(restoreRoot.resolve(DS)).assertSameAs(now, "the new cycle's level 0");
    }

    @Test
    void restorePastTheGapIsChainBrokenAndBeforeItWorks() throws IOException {
        TreeSnapshot before = TreeSnapshot.of(datasetDir);

        BackupException.ChainBroken latest = assertThrows(BackupException.ChainBroken.class,
                () -> engine.restore(DS, 0, null));
        assertEquals("CHAIN_BROKEN", latest.code());
        assertTrue(latest.getMessage().contains("level 1") && latest.getMessage().contains("level 2"),
                latest.getMessage());
        BackupException.ChainBroken two = assertThrows(BackupException.ChainBroken.class,
                () -> engine.restore(DS, 0, 2));
        assertEquals("CHAIN_BROKEN", two.code());
        assertThrows(BackupException.ChainBroken.class, () -> engine.restore(DS, 0, 1));
        assertThrows(BackupException.LevelNotFound.class, () -> engine.restore(DS, 0, 3));
        TreeSnapshot.of(datasetDir).assertSameAs(before, "the dataset after refused restores");

        engine.restore(DS, 0, 0);
        TreeSnapshot.of(datasetDir).ignoringDirectoryMtimes().assertSameAs(level0.ignoringDirectoryMtimes(),
                "level 0 restored");
    }

    @Test
    void cyclesAndVerifyShowTheGap() {
        CycleInfo cycle = engine.cycles(DS).get(0);
        assertTrue(cycle.broken());
        assertEquals(List.of(1), cycle.missingLevels());
        assertEquals(0, cycle.lastLevel());
        assertEquals(2, cycle.highestLevel());
        assertEquals(List.of(0), cycle.levels().stream().map(LevelInfo::level).toList());
        assertEquals(List.of(2), cycle.levelsAfterGap().stream().map(LevelInfo::level).toList());

        List<LevelCheck> checks = engine.verify(DS, null);
        assertEquals(List.of("0 OK", "1 MISSING", "2 OK"),
                checks.stream().map(c -> c.level() + " " + c.status()).toList(), checks.toString());
        assertTrue(checks.get(1).detail().contains("levels 1..2 cannot be restored"), checks.get(1).detail());
        assertEquals(checks, engine.verify(DS, 0L));
    }

    private static List<String> archivesIn(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> n.contains(".tar.")).sorted().toList();
        }
    }
}
