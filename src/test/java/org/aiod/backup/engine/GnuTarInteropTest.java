package org.aiod.backup.engine;

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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import org.aiod.backup.engine.testing.ChangeScenario;
import org.aiod.backup.engine.testing.GnuTar;
import org.aiod.backup.engine.testing.TreeSnapshot;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compatibility with GNU tar, both ways, over {@link ChangeScenario}: chains the engine writes restore with the
 * legacy {@code tar --listed-incremental=/dev/null} commands, chains the legacy scripts wrote restore with the
 * engine, and a cycle can switch writers at any level. Every comparison is file by file ({@link TreeSnapshot}).
 *
 * <p>After every backup the tests call {@link Trees#tick(Path)} before mutating the tree again, so that no change
 * is stamped before the start time the backup recorded (see {@link Trees}).
 */
class GnuTarInteropTest {

    private static final String DS = "ds";
    private static final int CYCLE_LENGTH = 10;

    @TempDir
    Path tmp;

    @Test
    void engineChainRestoresWithGnuTarAtEveryLevel() throws Exception {
        Path dataRoot = tmp.resolve("data");
        Path backupRoot = tmp.resolve("backups");
        ChangeScenario scenario = new ChangeScenario();
        scenario.createInitial(dataRoot.resolve(DS));
        Engine engine = engine(dataRoot, backupRoot, CYCLE_LENGTH);

        List<TreeSnapshot> expected = new ArrayList<>();
        engineBackup(engine, DS, backupRoot, 0, 0);
        expected.add(TreeSnapshot.of(dataRoot.resolve(DS)));
        for (ChangeScenario.Step step : scenario.steps()) {
            step.applyTo(dataRoot.resolve(DS));
            engineBackup(engine, DS, backupRoot, 0, expected.size());
            expected.add(TreeSnapshot.of(dataRoot.resolve(DS)));
        }

        List<CycleInfo> cycles = engine.cycles(DS);
        assertEquals(List.of(0L), cycles.stream().map(CycleInfo::cycle).toList(), "cycles");
        List<LevelInfo> levels = cycles.get(0).levels();
        List<Path> archives = levels.stream().map(LevelInfo::archive).map(GnuTarInteropTest::canonical).toList();
        assertEquals(layout(backupRoot, DS, 0, expected.size()), archives, "archives of cycle 0");
        for (LevelInfo level : levels) {
            assertEquals(Files.size(level.archive()), level.size(), "size of level " + level.level());
            assertNotNull(level.sha256(), "checksum of level " + level.level());
            assertEquals(Trees.sha256(level.archive()), level.sha256(), "checksum of level " + level.level());
        }
        GnuTar.run(GnuTar.cycleDir(backupRoot, DS, 0), List.of("sha256sum", "--check", "--strict", "SHA256SUMS"),
                false);

        for (int level = 0; level < expected.size(); level++) {
            Path dest = tmp.resolve("gnu-restore-" + level);
            GnuTar.legacyRestoreChain(dest, archives.subList(0, level + 1));
            TreeSnapshot.of(dest.resolve(DS)).assertSameAs(expected.get(level),
                    "GNU tar restore of engine levels 0.." + level);
        }
    }

    @Test
    void legacyChainRestoresWithEngineAtEveryLevel() throws Exception {
        Path srcRoot = tmp.resolve("src");
        Path backupRoot = tmp.resolve("backups");
        Path restoreRoot = tmp.resolve("restore");
        ChangeScenario scenario = new ChangeScenario();
        scenario.createInitial(srcRoot.resolve(DS));

        List<TreeSnapshot> expected = new ArrayList<>();
        List<Path> archives = new ArrayList<>();
        archives.add(legacyBackup(backupRoot, srcRoot, DS, 0, 0));
        expected.add(TreeSnapshot.of(srcRoot.resolve(DS)));
        for (ChangeScenario.Step step : scenario.steps()) {
            step.applyTo(srcRoot.resolve(DS));
            archives.add(legacyBackup(backupRoot, srcRoot, DS, 0, archives.size()));
            expected.add(TreeSnapshot.of(srcRoot.resolve(DS)));
        }

        Engine engine = engine(restoreRoot, backupRoot, CYCLE_LENGTH);
        List<CycleInfo> cycles = engine.cycles(DS);
        assertEquals(List.of(0L), cycles.stream().map(CycleInfo::cycle).toList(), "cycles");
        assertEquals(archives, cycles.get(0).levels().stream().map(LevelInfo::archive)
                .map(GnuTarInteropTest::canonical).toList(), "levels the engine sees in the legacy cycle");
        for (LevelInfo level : cycles.get(0).levels()) {
            assertNull(level.sha256(), "a level the legacy scripts wrote has no checksum: " + level);
        }

        // Content the restore must replace, and a neighbour it must not touch.
        Trees.write(restoreRoot.resolve(DS).resolve("not-in-any-level/junk.txt"), "junk");
        Trees.write(restoreRoot.resolve(DS).resolve(ChangeScenario.BIG_FILE), "not the archived content");
        Path neighbour = Trees.write(restoreRoot.resolve("neighbour/keep.txt"), "keep");
        TreeSnapshot neighbourBefore = TreeSnapshot.of(neighbour.getParent());

        int last = expected.size() - 1;
        Set<Integer> order = new LinkedHashSet<>(List.of(last, 0, last / 2));
        IntStream.rangeClosed(0, last).forEach(order::add);
        for (int level : order) {
            RestoreSummary summary = engine.restore(DS, 0, level);
            assertEquals(0, summary.cycle(), "cycle restored");
            assertEquals(level, summary.level(), "level restored");
            TreeSnapshot.of(restoreRoot.resolve(DS)).assertSameAs(expected.get(level),
                    "engine restore of legacy level " + level + " (order " + order + ")");
        }
        RestoreSummary latest = engine.restore(DS, 0, null);
        assertEquals(last, latest.level(), "no level means the cycle's last");
        TreeSnapshot.of(restoreRoot.resolve(DS)).assertSameAs(expected.get(last), "engine restore of cycle 0");
        TreeSnapshot.of(neighbour.getParent()).assertSameAs(neighbourBefore, "a directory beside the dataset");
    }

    @Test
    void mixedChains() throws Exception {
        // (i) engine level 0, GNU tar continues the cycle at level 1, engine level 2, and so on alternately.
        mixedChain(tmp.resolve("engine-first"), true);
        // (ii) GNU tar level 0, engine level 1, GNU tar level 2, and so on alternately.
        mixedChain(tmp.resolve("gnu-first"), false);
    }

    /**
     * Writes level 0 and one level per scenario step into one cycle, alternating writers, then restores every level
     * with the engine (into a separate data root) and with GNU tar.
     */
    private void mixedChain(Path base, boolean engineFirst) throws Exception {
        Path dataRoot = base.resolve("data");
        Path backupRoot = base.resolve("backups");
        Path restoreRoot = Files.createDirectories(base.resolve("restore"));
        ChangeScenario scenario = new ChangeScenario();
        scenario.createInitial(dataRoot.resolve(DS));
        Engine engine = engine(dataRoot, backupRoot, CYCLE_LENGTH);
        List<ChangeScenario.Step> steps = scenario.steps();

        List<TreeSnapshot> expected = new ArrayList<>();
        List<String> writers = new ArrayList<>();
        for (int level = 0; level <= steps.size(); level++) {
            if (level > 0) {
                steps.get(level - 1).applyTo(dataRoot.resolve(DS));
            }
            boolean byEngine = (level % 2 == 0) == engineFirst;
            if (byEngine) {
                engineBackup(engine, DS, backupRoot, 0, level);
            } else {
                legacyBackup(backupRoot, dataRoot, DS, 0, level);
            }
            writers.add(byEngine ? "engine" : "GNU tar");
            expected.add(TreeSnapshot.of(dataRoot.resolve(DS)));
        }
        String chain = String.join(", ", writers);

        List<Path> archives = layout(backupRoot, DS, 0, expected.size());
        Engine restorer = engine(restoreRoot, backupRoot, CYCLE_LENGTH);
        assertEquals(archives, restorer.cycles(DS).get(0).levels().stream().map(LevelInfo::archive)
                .map(GnuTarInteropTest::canonical).toList(), "levels of the mixed cycle (" + chain + ")");

        for (int level = 0; level < expected.size(); level++) {
            restorer.restore(DS, 0, level);
            TreeSnapshot.of(restoreRoot.resolve(DS)).assertSameAs(expected.get(level),
                    "engine restore of level " + level + " of the chain " + chain);

            Path dest = base.resolve("gnu-restore-" + level);
            GnuTar.legacyRestoreChain(dest, archives.subList(0, level + 1));
            TreeSnapshot.of(dest.resolve(DS)).assertSameAs(expected.get(level),
                    "GNU tar restore of level " + level + " of the chain " + chain);
        }
    }

    @Test
    void legacyScenarioOfTheScripts() throws Exception {
        // Cycle length 2: three backups give x_0/{x0,x1}.tar.gz and x_1/x0.tar.gz, each cycle with its x.snar.
        Path dataRoot = tmp.resolve("scripts/data");
        Path backupRoot = tmp.resolve("scripts/backups");
        Engine engine = engine(dataRoot, backupRoot, 2);
        Path file = Trees.write(dataRoot.resolve("x/file"), "backup 0\n");
        engineBackup(engine, "x", backupRoot, 0, 0);
        Files.writeString(file, "backup 1\n");
        engineBackup(engine, "x", backupRoot, 0, 1);
        Files.writeString(file, "backup 2\n");
        engineBackup(engine, "x", backupRoot, 1, 0);

        assertEquals(List.of("x_0", "x_1"), cycleDirectories(backupRoot.resolve("x"), "x"), "cycle directories");
        assertEquals(List.of("x.snar", "x0.tar.gz", "x1.tar.gz"),
                filesIgnoringChecksums(GnuTar.cycleDir(backupRoot, "x", 0)), "files of x_0");
        assertEquals(List.of("x.snar", "x0.tar.gz"),
                filesIgnoringChecksums(GnuTar.cycleDir(backupRoot, "x", 1)), "files of x_1");
        assertFalse(Files.exists(GnuTar.archive(backupRoot, "x", 1, 1)), "x_1 has no level 1");
        List<CycleInfo> cycles = engine.cycles("x");
        assertEquals(List.of(0L, 1L), cycles.stream().map(CycleInfo::cycle).toList(), "cycle labels");
        assertEquals(List.of(1, 0), cycles.stream().map(CycleInfo::lastLevel).toList(), "last levels");

        // A fresh setup: x holds file1 and file2; level 0; file1 deleted and file2 rewritten; level 1.
        Path freshData = tmp.resolve("fresh/data");
        Path freshBackups = tmp.resolve("fresh/backups");
        Engine fresh = engine(freshData, freshBackups, 2);
        Path x = freshData.resolve("x");
        Trees.write(x.resolve("file1"), "file1, original\n");
        Trees.write(x.resolve("file2"), "file2, original\n");
        engineBackup(fresh, "x", freshBackups, 0, 0);
        TreeSnapshot level0 = TreeSnapshot.of(x);
        Files.delete(x.resolve("file1"));
        Files.writeString(x.resolve("file2"), "file2, rewritten after level 0\n");
        engineBackup(fresh, "x", freshBackups, 0, 1);
        TreeSnapshot level1 = TreeSnapshot.of(x);

        fresh.restore("x", 0, null);
        TreeSnapshot.of(x).assertSameAs(level1, "restore of cycle 0 without a level");
        assertEquals("file2, rewritten after level 0\n", Files.readString(x.resolve("file2")));
        assertFalse(Files.exists(x.resolve("file1")), "file1 was deleted before the last level");

        fresh.restore("x", 0, 0);
        TreeSnapshot.of(x).assertSameAs(level0, "restore of cycle 0 level 0");
        assertEquals("file1, original\n", Files.readString(x.resolve("file1")));
        assertEquals("file2, original\n", Files.readString(x.resolve("file2")));

        fresh.restore("x", 0, 1);
        TreeSnapshot.of(x).assertSameAs(level1, "restore of cycle 0 level 1");
        assertFalse(Files.exists(x.resolve("file1")), "file1 was deleted before level 1");
    }

    @Test
    void cycleLabelsSortNumerically() throws Exception {
        Path dataRoot = tmp.resolve("data");
        Path backupRoot = tmp.resolve("backups");
        Engine engine = engine(dataRoot, backupRoot, 1);
        Path counter = dataRoot.resolve("x/counter");
        for (int i = 0; i < 12; i++) {
            Trees.write(counter, "backup " + i + "\n");
            engineBackup(engine, "x", backupRoot, i, 0);
        }
        assertEquals(LongStream.range(0, 12).boxed().toList(),
                engine.cycles("x").stream().map(CycleInfo::cycle).toList(), "labels after 12 backups");

        Trees.write(counter, "backup 12\n");
        BackupSummary thirteenth = engineBackup(engine, "x", backupRoot, 12, 0);
        assertTrue(Files.isRegularFile(backupRoot.resolve("x/x_12/x0.tar.gz")), "x_12/x0.tar.gz");
        assertEquals(canonical(backupRoot.resolve("x/x_12/x0.tar.gz")), canonical(thirteenth.archive()));
        List<CycleInfo> cycles = engine.cycles("x");
        assertEquals(LongStream.range(0, 13).boxed().toList(), cycles.stream().map(CycleInfo::cycle).toList(),
                "labels after 13 backups");
        assertEquals(canonical(backupRoot.resolve("x/x_12")), canonical(cycles.get(12).directory()));

        for (long cycle : List.of(10L, 2L, 12L, 1L)) {
            engine.restore("x", cycle, null);
            assertEquals("backup " + cycle + "\n", Files.readString(counter), "content restored from x_" + cycle);
        }
    }

    private static Engine engine(Path dataRoot, Path backupRoot, int cycleLength) {
        return new Engine(EngineOptions.defaults(dataRoot, backupRoot).withCycleLength(cycleLength)
                .withLockTimeout(Duration.ofSeconds(30)));
    }

    /** An engine backup that must write {@code cycle}/{@code level} in the legacy layout. */
    private BackupSummary engineBackup(Engine engine, String dataset, Path backupRoot, long cycle, int level)
            throws IOException {
        BackupSummary summary = engine.backup(dataset);
        Trees.tick(tmp);
        assertEquals(cycle, summary.cycle(), "cycle of " + summary);
        assertEquals(level, summary.level(), "level of " + summary);
        assertEquals(canonical(GnuTar.archive(backupRoot, dataset, cycle, level)), canonical(summary.archive()),
                "archive of " + summary);
        return summary;
    }

    /** The legacy backup command writing {@code cycle}/{@code level}. */
    private Path legacyBackup(Path backupRoot, Path dataRoot, String dataset, long cycle, int level)
            throws IOException {
        Path archive = GnuTar.legacyLevel(backupRoot, dataRoot, dataset, cycle, level);
        Trees.tick(tmp);
        return canonical(archive);
    }

    private static List<Path> layout(Path backupRoot, String dataset, long cycle, int levels) {
        return IntStream.range(0, levels).mapToObj(l -> canonical(GnuTar.archive(backupRoot, dataset, cycle, l)))
                .toList();
    }

    private static Path canonical(Path path) {
        return path.toAbsolutePath().normalize();
    }

    private static List<String> cycleDirectories(Path datasetBackups, String dataset) throws IOException {
        try (Stream<Path> list = Files.list(datasetBackups)) {
            return list.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(dataset + "_")).sorted().toList();
        }
    }

    private static List<String> filesIgnoringChecksums(Path cycleDir) throws IOException {
        try (Stream<Path> list = Files.list(cycleDir)) {
            return list.map(p -> p.getFileName().toString()).filter(n -> !n.equals("SHA256SUMS")).sorted()
                    .toList();
        }
    }
}
