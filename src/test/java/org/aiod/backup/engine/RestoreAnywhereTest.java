package org.aiod.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;

import org.aiod.backup.engine.testing.ChangeScenario;
import org.aiod.backup.engine.testing.GnuTar;
import org.aiod.backup.engine.testing.TreeSnapshot;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Restore anywhere (issue #10, engine part): into a target directory, only a subset of paths, and a dry run whose
 * plan is what the restore then does. Real trees on real temp directories; every comparison is file by file.
 */
class RestoreAnywhereTest {

    private static final String DS = "x";

    @TempDir
    Path tmp;

    private Path data;
    private Path backups;
    private Path dataset;
    private Engine engine;
    /** The dataset's tree at each level of cycle 0. */
    private final List<TreeSnapshot> levels = new ArrayList<>();

    /**
     * Three levels: level 1 adds, modifies and deletes files and a directory; level 2 renames a directory, turns a
     * file into a directory and a directory into a file, and adds a symlink. Mtimes are set apart so that a changed
     * file always differs in size or mtime.
     */
    @BeforeEach
    void threeLevels() throws IOException {
        data = Files.createDirectories(tmp.resolve("data"));
        backups = tmp.resolve("backups");
        dataset = data.resolve(DS);
        engine = new Engine(EngineOptions.defaults(data, backups).withCycleLength(10));
        Trees.write(dataset.resolve("top.txt"), "top");
        Trees.write(dataset.resolve("d1/a.txt"), "a");
        Trees.write(dataset.resolve("d1/sub/b.txt"), "bb");
        Trees.write(dataset.resolve("d2/c.txt"), "ccc");
        Trees.write(dataset.resolve("d3/e.txt"), "eeee");
        Trees.write(dataset.resolve("blob.bin"), Trees.randomBytes(3, 70_000));
        Trees.symlink(dataset.resolve("link"), "top.txt");
        Trees.setMtime(dataset.resolve("d1/a.txt"), 1_600_000_000L);
        backup();

        Trees.write(dataset.resolve("d1/new.txt"), "new in level 1");
        Trees.write(dataset.resolve("d1/a.txt"), "a, longer in level 1");
        Files.delete(dataset.resolve("top.txt"));
        Trees.deleteRecursively(dataset.resolve("d2"));
        backup();

        Files.move(dataset.resolve("d3"), dataset.resolve("d3-renamed"));
        Files.delete(dataset.resolve("blob.bin"));
        Trees.write(dataset.resolve("blob.bin/inside.txt"), "a directory now");
        Trees.deleteRecursively(dataset.resolve("d1/sub"));
        Trees.write(dataset.resolve("d1/sub"), "a file now");
        Trees.symlink(dataset.resolve("d1/up"), "../link");
        backup();
    }

    private void backup() throws IOException {
        engine.backup(DS);
        levels.add(TreeSnapshot.of(dataset));
        Trees.tick(tmp);
    }

    /** The dataset as it is after the last level, with changes no level has. */
    private TreeSnapshot changeAfterTheLastLevel() throws IOException {
        Trees.write(dataset.resolve("d1/a.txt"), "changed after the last backup");
        Trees.write(dataset.resolve("d1/unsaved.txt"), "never backed up");
        Trees.write(dataset.resolve("elsewhere.txt"), "outside every path restored");
        Trees.deleteRecursively(dataset.resolve("d3-renamed"));
        return TreeSnapshot.of(dataset);
    }

    // ---- target ----

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void aTargetRestoreEqualsAnInPlaceRestoreAndLeavesTheDatasetUntouched(int level) throws IOException {
        TreeSnapshot datasetBefore = changeAfterTheLastLevel();
        Path target = tmp.resolve("restore/copy");

        RestoreSummary summary = engine.restore(new RestoreSpec(DS, 0, level).withTarget(target));

        assertEquals(level, summary.level());
        assertNull(summary.plan(), "a restore that ran has no plan");
        TreeSnapshot.of(dataset).assertSameAs(datasetBefore, "the dataset after a restore elsewhere");
        Path inPlaceRoot = Files.createDirectories(tmp.resolve("in-place"));
        new Engine(EngineOptions.defaults(inPlaceRoot, backups)).restore(DS, 0, level);
        TreeSnapshot.of(target).assertSameAs(TreeSnapshot.of(inPlaceRoot.resolve(DS)),
                "target restore vs in-place restore of level " + level);
        TreeSnapshot.of(target).assertSameAs(levels.get(level), "target restore of level " + level);
        assertNoWorkingDirectories(target);
        assertFalse(Files.exists(backups.resolve(".aiod-backup/staging/" + DS)), "staging record left");
    }

    @Test
    void aNonEmptyTargetIsRefusedUnlessOverwriteIsAsked() throws IOException {
        Path target = tmp.resolve("busy");
        Trees.write(target.resolve("keep.txt"), "someone's file");
        Trees.write(target.resolve("d1/a.txt"), "would be replaced");
        TreeSnapshot before = TreeSnapshot.of(target);
        RestoreSpec spec = new RestoreSpec(DS, 0, 1).withTarget(target);

        BackupException refused = assertThrows(BackupException.TargetNotEmpty.class, () -> engine.restore(spec));
        assertEquals(BackupException.Kind.TARGET_NOT_EMPTY, refused.kind());
        assertThrows(BackupException.TargetNotEmpty.class, () -> engine.restore(spec.withDryRun(true)));
        TreeSnapshot.of(target).assertSameAs(before, "a refused target");

        engine.restore(spec.withOverwrite(true));
        TreeSnapshot.of(target).assertSameAs(levels.get(1), "an overwritten target: the level, deletions applied");
        Trees.write(tmp.resolve("empty/.keep"), "");
        Files.delete(tmp.resolve("empty/.keep"));
        engine.restore(new RestoreSpec(DS, 0, 0).withTarget(tmp.resolve("empty")));
        TreeSnapshot.of(tmp.resolve("empty")).assertSameAs(levels.get(0), "an existing empty target");
    }

    @ParameterizedTest
    @ValueSource(strings = {"symlink-to-directory", "dangling-symlink", "regular-file"})
    void aTargetThatIsNotARealDirectoryIsRefused(String kind) throws IOException {
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Trees.write(elsewhere.resolve("precious.txt"), "not to be touched");
        TreeSnapshot elsewhereBefore = TreeSnapshot.of(elsewhere);
        Path target = tmp.resolve("target");
        switch (kind) {
            case "symlink-to-directory" -> Trees.symlink(target, elsewhere.toString());
            case "dangling-symlink" -> Trees.symlink(target, tmp.resolve("nowhere").toString());
            default -> Trees.write(target, "a file");
        }

        for (RestoreSpec spec : List.of(new RestoreSpec(DS, 0, null).withTarget(target).withOverwrite(true),
                new RestoreSpec(DS, 0, null).withTarget(target).withDryRun(true))) {
            BackupException refused = assertThrows(BackupException.NotADirectory.class, () -> engine.restore(spec));
            assertTrue(refused.getMessage().contains("refusing to follow or replace it"), refused.getMessage());
        }
        TreeSnapshot.of(elsewhere).assertSameAs(elsewhereBefore, "what the symlink points to");
        assertFalse(Files.exists(tmp.resolve("nowhere")), "the dangling symlink's target was created");
        assertEquals(kind.equals("regular-file"), Files.isRegularFile(target, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aTargetOverlappingTheDatasetOrTheBackupsIsRefused() throws IOException {
        TreeSnapshot datasetBefore = TreeSnapshot.of(dataset);
        Trees.symlink(tmp.resolve("via-link"), dataset.toString());
        for (Path target : List.of(dataset, dataset.resolve("d1"), tmp.resolve("via-link/inside"), data.getParent(),
                backups.resolve("restored"), backups.resolve(".aiod-backup/x"))) {
            BackupException refused = assertThrows(BackupException.InvalidPath.class,
                    () -> engine.restore(new RestoreSpec(DS, 0, null).withTarget(target).withOverwrite(true)),
                    target.toString());
            assertEquals("INVALID_PATH", refused.code());
        }
        TreeSnapshot.of(dataset).assertSameAs(datasetBefore, "the dataset");
        assertFalse(Files.exists(backups.resolve("restored")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"STAGED", "OLD_CONTENT_MOVED", "SWAPPED"})
    void aTargetRestoreKilledMidSwapIsRecoveredInTheTarget(String haltAt) throws Exception {
        TreeSnapshot datasetBefore = TreeSnapshot.of(dataset);
        Path target = tmp.resolve("restore/target");

        assertEquals(CrashingRunMain.HALTED, CrashTest.runChild(data, backups, "restore", haltAt, "0", "1",
                target.toString()));
        String record = Files.readString(backups.resolve(".aiod-backup/staging/" + DS));
        assertTrue(record.startsWith("directory "), "the record names the target: " + record);

        List<LeftoverRecovery> report = new Engine(EngineOptions.defaults(data, backups)).recoverLeftovers();

        boolean swapBegun = !haltAt.equals("STAGED");
        assertEquals(1, report.size(), report.toString());
        assertEquals(LeftoverRecovery.Outcome.RECOVERED, report.get(0).outcome(), report.toString());
        assertEquals(swapBegun ? 1 : 0, report.get(0).swapsCompleted(), report.toString());
        assertEquals(swapBegun ? 0 : 1, report.get(0).stagingRemoved(), report.toString());
        assertFalse(Files.exists(backups.resolve(".aiod-backup/staging/" + DS)), "record left after recovery");
        assertNoWorkingDirectories(target);
        if (swapBegun) {
            TreeSnapshot.of(target).ignoringDirectoryMtimes().assertSameAs(levels.get(1).ignoringDirectoryMtimes(),
                    "target after a swap completed by recovery");
        } else {
            try (Stream<Path> entries = Files.list(target)) {
                assertEquals(List.of(), entries.toList(), "target after an unverified staging was removed");
            }
        }
        TreeSnapshot.of(dataset).assertSameAs(datasetBefore, "the dataset, never touched");
    }

    @Test
    void aChainWrittenByGnuTarRestoresIntoATarget() throws Exception {
        Path src = tmp.resolve("legacy-src");
        Path legacyBackups = tmp.resolve("legacy-backups");
        ChangeScenario scenario = new ChangeScenario();
        scenario.createInitial(src.resolve("ds"));
        List<TreeSnapshot> expected = new ArrayList<>();
        GnuTar.legacyLevel(legacyBackups, src, "ds", 0, 0);
        expected.add(TreeSnapshot.of(src.resolve("ds")));
        for (ChangeScenario.Step step : scenario.steps()) {
            step.applyTo(src.resolve("ds"));
            GnuTar.legacyLevel(legacyBackups, src, "ds", 0, expected.size());
            expected.add(TreeSnapshot.of(src.resolve("ds")));
        }
        Engine legacy = new Engine(EngineOptions.defaults(Files.createDirectories(tmp.resolve("no-data")),
                legacyBackups));
        for (int level = 0; level < expected.size(); level++) {
            Path target = tmp.resolve("legacy-target-" + level);
            legacy.restore(new RestoreSpec("ds", 0, level).withTarget(target));
            TreeSnapshot.of(target).assertSameAs(expected.get(level), "GNU tar level " + level + " into a target");
        }
        Path target = tmp.resolve("legacy-target-0");
        legacy.restore(new RestoreSpec("ds", 0, expected.size() - 1).withTarget(target).withOverwrite(true));
        TreeSnapshot.of(target).assertSameAs(expected.get(expected.size() - 1), "a target overwritten with the last");
        assertFalse(Files.exists(tmp.resolve("no-data/ds")), "the dataset directory was created");
    }

    // ---- subset ----

    @Test
    void aSubsetInPlaceReplacesOnlyThosePaths() throws IOException {
        TreeSnapshot before = changeAfterTheLastLevel();
        List<String> paths = List.of("d1", "d3-renamed/e.txt", "blob.bin");

        engine.restore(new RestoreSpec(DS, 0, 2).withPaths(paths));

        assertSubset(TreeSnapshot.of(dataset), levels.get(2), before, paths);
        assertNoWorkingDirectories(dataset);
    }

    @Test
    void aSubsetIntoATargetRestoresOnlyThosePathsAndLeavesTheRestOfTheTarget() throws IOException {
        Path target = tmp.resolve("subset");
        Trees.write(target.resolve("theirs.txt"), "the target's own file");
        Trees.write(target.resolve("d1/a.txt"), "replaced by the level's");
        Trees.write(target.resolve("d1/not-in-level.txt"), "deleted: inside a path restored");
        TreeSnapshot before = TreeSnapshot.of(target);
        List<String> paths = List.of("d1/a.txt", "d1/not-in-level.txt", "d2");
        assertThrows(BackupException.NoSuchPath.class, () -> engine.restore(new RestoreSpec(DS, 0, 0)
                .withTarget(target).withOverwrite(true).withPaths(paths)), "d1/not-in-level.txt is in no level");

        List<String> restored = List.of("d1/a.txt", "d2");
        engine.restore(new RestoreSpec(DS, 0, 0).withTarget(target).withOverwrite(true).withPaths(restored));

        assertSubset(TreeSnapshot.of(target), levels.get(0), before, restored);
        Path fresh = tmp.resolve("fresh");
        engine.restore(new RestoreSpec(DS, 0, 2).withTarget(fresh).withPaths(List.of("d1/sub", "d3-renamed")));
        assertEquals(new TreeSet<>(List.of(".", "d1", "d1/sub", "d3-renamed", "d3-renamed/e.txt")),
                new TreeSet<>(TreeSnapshot.of(fresh).entries().keySet()), "a new target holds the paths only");
        assertEquals(levels.get(2).get("d1/sub"), TreeSnapshot.of(fresh).get("d1/sub"));
        assertEquals(levels.get(2).get("d3-renamed"), TreeSnapshot.of(fresh).get("d3-renamed"),
                "a parent the target lacked gets the level's attributes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"STAGED", "OLD_CONTENT_MOVED", "SWAPPED"})
    void aSubsetRestoreKilledMidSwapIsRolledBackOrCompletedByRecovery(String haltAt) throws Exception {
        TreeSnapshot before = changeAfterTheLastLevel();
        List<String> paths = List.of("d1", "d3-renamed/e.txt");

        assertEquals(CrashingRunMain.HALTED, CrashTest.runChild(data, backups, "restore", haltAt, "0", "2", "-",
                "d1", "d3-renamed/e.txt"));
        List<LeftoverRecovery> report = new Engine(EngineOptions.defaults(data, backups)).recoverLeftovers();

        boolean swapBegun = !haltAt.equals("STAGED");
        assertEquals(1, report.size(), report.toString());
        assertEquals(swapBegun ? 1 : 0, report.get(0).swapsCompleted(), report.toString());
        assertEquals(List.of(), report.get(0).notes());
        assertNoWorkingDirectories(dataset);
        if (swapBegun) {
            assertSubset(TreeSnapshot.of(dataset), levels.get(2), before, paths);
        } else {
            TreeSnapshot.of(dataset).ignoringDirectoryMtimes().assertSameAs(before.ignoringDirectoryMtimes(),
                    "the dataset after an unverified staging was removed");
        }
    }

    @Test
    void aPathMissingFromTheLevelIsNoSuchPathAndChangesNothing() throws IOException {
        TreeSnapshot before = changeAfterTheLastLevel();
        TreeSnapshot backupsBefore = TreeSnapshot.of(backups, RestoreAnywhereTest::workingState);
        Path target = tmp.resolve("never-made");
        for (RestoreSpec spec : List.of(new RestoreSpec(DS, 0, 2),
                new RestoreSpec(DS, 0, 2).withTarget(target),
                new RestoreSpec(DS, 0, 2).withDryRun(true))) {
            BackupException.NoSuchPath refused = assertThrows(BackupException.NoSuchPath.class,
                    () -> engine.restore(spec.withPaths(List.of("d1", "d2/c.txt"))));
            assertEquals("'d2/c.txt' is not in dataset 'x' at cycle 0 level 2", refused.getMessage());
            assertEquals("NO_SUCH_PATH", refused.code());
        }
        TreeSnapshot.of(dataset).assertSameAs(before, "the dataset after refused subsets");
        assertFalse(Files.exists(target), "a target made by a refused restore is left behind");
        // the staging record was written and removed again (its directory may be new, nothing is left in it)
        TreeSnapshot.of(backups, RestoreAnywhereTest::workingState).ignoringDirectoryMtimes()
                .assertSameAs(backupsBefore.ignoringDirectoryMtimes(), "the backup root");
        assertFalse(Files.exists(backups.resolve(".aiod-backup/staging/" + DS)), "staging record left");
    }

    @Test
    void subsetPathsAreCheckedAndNormalized() {
        RestoreSpec spec = new RestoreSpec(DS, 0, null);
        assertEquals(List.of("a/b", "c"), spec.withPaths(List.of("./a//b/", "c", "c/d", "a/b/e")).paths());
        assertTrue(spec.wholeTree());
        for (String bad : List.of("/etc/passwd", "../x", "a/../../b", "", ".", "a/..")) {
            BackupException refused = assertThrows(BackupException.InvalidPath.class,
                    () -> spec.withPaths(List.of(bad)), bad);
            assertEquals(BackupException.Kind.INVALID_PATH, refused.kind());
        }
    }

    // ---- dry run ----

    /** Destinations a plan is made for: in place or a target, whole tree or a subset. */
    enum Destination {
        IN_PLACE, IN_PLACE_SUBSET, TARGET_OVERWRITTEN, TARGET_SUBSET, NEW_TARGET
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(Destination.class)
    void theRestoreDoesExactlyTheDryRunsPlan(Destination destination) throws IOException {
        changeAfterTheLastLevel();
        Path target = tmp.resolve("target");
        Trees.write(target.resolve("d1/a.txt"), "a");
        Trees.setMtime(target.resolve("d1/a.txt"), 1_600_000_000L); // as level 0 has it: unchanged
        Trees.write(target.resolve("d1/sub"), "a file where level 0 has a directory");
        Trees.write(target.resolve("d2/c.txt"), "different");
        Trees.write(target.resolve("other/z.txt"), "not in the level");
        Trees.symlink(target.resolve("link"), "elsewhere.txt");
        RestoreSpec spec = switch (destination) {
            case IN_PLACE -> new RestoreSpec(DS, 0, 0);
            case IN_PLACE_SUBSET -> new RestoreSpec(DS, 0, 0).withPaths(List.of("d1", "d3", "top.txt"));
            case TARGET_OVERWRITTEN -> new RestoreSpec(DS, 0, 0).withTarget(target).withOverwrite(true);
            case TARGET_SUBSET -> new RestoreSpec(DS, 0, 0).withTarget(target).withOverwrite(true)
                    .withPaths(List.of("d1", "link", "d2/c.txt"));
            case NEW_TARGET -> new RestoreSpec(DS, 0, 0).withTarget(tmp.resolve("new"));
        };
        Path root = spec.target() == null ? dataset : spec.target();
        TreeSnapshot before = Files.exists(root) ? TreeSnapshot.of(root) : null;

        RestorePlan plan = engine.restore(spec.withDryRun(true).withPlanLimit(Integer.MAX_VALUE)).plan();
        engine.restore(spec);
        TreeSnapshot after = TreeSnapshot.of(root);

        Map<String, TreeSnapshot.Entry> was = before == null ? Map.of() : before.entries();
        Map<String, TreeSnapshot.Entry> is = after.entries();
        TreeSet<String> created = new TreeSet<>();
        TreeSet<String> replaced = new TreeSet<>();
        TreeSet<String> deleted = new TreeSet<>();
        long createdBytes = 0;
        long deletedBytes = 0;
        long directoriesCreated = 0;
        long directoriesDeleted = 0;
        for (var e : is.entrySet()) {
            TreeSnapshot.Entry old = was.get(e.getKey());
            boolean dir = e.getValue().type() == TreeSnapshot.Type.DIR;
            boolean wasDir = old != null && old.type() == TreeSnapshot.Type.DIR;
            if (e.getKey().equals(TreeSnapshot.ROOT)) {
                continue;
            }
            if (dir) {
                directoriesCreated += wasDir ? 0 : 1;
            } else if (old == null || wasDir) {
                created.add(e.getKey());
                createdBytes += fileBytes(e.getValue());
            } else if (differs(old, e.getValue())) {
                replaced.add(e.getKey());
            }
        }
        for (var e : was.entrySet()) {
            TreeSnapshot.Entry now = is.get(e.getKey());
            boolean wasDir = e.getValue().type() == TreeSnapshot.Type.DIR;
            boolean dir = now != null && now.type() == TreeSnapshot.Type.DIR;
            if (e.getKey().equals(TreeSnapshot.ROOT)) {
                continue;
            }
            if (wasDir) {
                directoriesDeleted += dir ? 0 : 1;
            } else if (now == null || dir) {
                deleted.add(e.getKey());
                deletedBytes += fileBytes(e.getValue());
            }
        }
        assertEquals(created, new TreeSet<>(plan.create().paths()), "created");
        assertEquals(replaced, new TreeSet<>(plan.replace().paths()), "replaced");
        assertEquals(deleted, new TreeSet<>(plan.delete().paths()), "deleted");
        assertEquals(created.size(), plan.create().count());
        assertEquals(createdBytes, plan.create().bytes(), "bytes created");
        assertEquals(deletedBytes, plan.delete().bytes(), "bytes deleted");
        assertEquals(directoriesCreated, plan.directoriesToCreate(), "directories created");
        assertEquals(directoriesDeleted, plan.directoriesToDelete(), "directories deleted");
        assertTrue(created.size() + replaced.size() + deleted.size() > 0, "a plan with changes: " + plan);
    }

    @Test
    void aDryRunChangesNothingAndListsAtMostItsLimit() throws IOException {
        TreeSnapshot datasetBefore = changeAfterTheLastLevel();
        Path target = tmp.resolve("target");
        Trees.write(target.resolve("theirs.txt"), "kept");
        TreeSnapshot targetBefore = TreeSnapshot.of(target);
        TreeSnapshot backupsBefore = TreeSnapshot.of(backups, RestoreAnywhereTest::lockFile);

        RestoreSummary inPlace = engine.restore(new RestoreSpec(DS, 0, 0).withDryRun(true).withPlanLimit(1));
        RestoreSummary elsewhere = engine.restore(new RestoreSpec(DS, 0, 2).withTarget(target).withOverwrite(true)
                .withDryRun(true));
        RestoreSummary fresh = engine.restore(new RestoreSpec(DS, 0, 1).withTarget(tmp.resolve("fresh"))
                .withDryRun(true));

        TreeSnapshot.of(dataset).assertSameAs(datasetBefore, "the dataset after dry runs");
        TreeSnapshot.of(target).assertSameAs(targetBefore, "the target after a dry run");
        TreeSnapshot.of(backups, RestoreAnywhereTest::lockFile).assertSameAs(backupsBefore,
                "the backup root after dry runs, but for the lock file a read takes too");
        assertTrue(Files.exists(backups.resolve(".aiod-backup/locks/" + DS + ".lock")));
        assertFalse(Files.exists(tmp.resolve("fresh")), "a dry run made its target");
        assertNotNull(inPlace.plan());
        assertEquals(0, inPlace.files());
        assertTrue(inPlace.plan().create().count() > 1, inPlace.plan().toString());
        assertEquals(1, inPlace.plan().create().paths().size(), "at most the plan limit");
        assertEquals(List.of("theirs.txt"), elsewhere.plan().delete().paths());
        assertEquals(levels.get(1).entries().values().stream().filter(e -> e.type() != TreeSnapshot.Type.DIR)
                .count(), fresh.plan().create().count(), "everything of level 1 is created in a new target");
        assertEquals(0, fresh.plan().replace().count() + fresh.plan().delete().count());
    }

    // ---- helpers ----

    /** The lock file, which every run on the dataset (a read too) writes its process id into. */
    private static boolean lockFile(String path) {
        return path.equals(".aiod-backup/locks/" + DS + ".lock");
    }

    /** The lock file and the directory of staging records. */
    private static boolean workingState(String path) {
        return lockFile(path) || path.startsWith(".aiod-backup/staging");
    }

    /** The plan's rule: kind, and size, mtime and mode for files, target for symlinks. */
    private static boolean differs(TreeSnapshot.Entry a, TreeSnapshot.Entry b) {
        if (a.type() != b.type()) {
            return true;
        }
        if (a.type() == TreeSnapshot.Type.SYMLINK) {
            return !a.target().equals(b.target());
        }
        return a.size() != b.size() || a.mtime() != b.mtime() || a.mode() != b.mode();
    }

    private static long fileBytes(TreeSnapshot.Entry e) {
        return e.type() == TreeSnapshot.Type.FILE ? e.size() : 0;
    }

    /**
     * At and under each path, the tree is the level's; everywhere else it is as it was, but for the mtimes of the
     * directories entries were moved in or out of.
     */
    private static void assertSubset(TreeSnapshot after, TreeSnapshot level, TreeSnapshot before, List<String> paths) {
        Function<String, Boolean> covered = p -> paths.stream().anyMatch(q -> p.equals(q) || p.startsWith(q + "/"));
        TreeSet<String> keys = new TreeSet<>(after.entries().keySet());
        keys.addAll(level.entries().keySet());
        keys.addAll(before.entries().keySet());
        List<String> differences = new ArrayList<>();
        for (String key : keys) {
            TreeSnapshot.Entry expected = covered.apply(key) ? level.get(key) : before.get(key);
            TreeSnapshot.Entry actual = after.get(key);
            boolean parentOfAPath = paths.stream().anyMatch(q -> key.equals(TreeSnapshot.ROOT)
                    || q.startsWith(key + "/"));
            if (expected == null && actual != null && parentOfAPath) {
                expected = level.get(key); // a parent the destination lacked, made for the path
            }
            if (expected != null && actual != null && parentOfAPath && expected.type() == TreeSnapshot.Type.DIR
                    && actual.type() == TreeSnapshot.Type.DIR) {
                expected = new TreeSnapshot.Entry(expected.type(), expected.mode(), actual.mtime(), 0, null, null);
                actual = new TreeSnapshot.Entry(actual.type(), actual.mode(), actual.mtime(), 0, null, null);
            }
            if (!java.util.Objects.equals(expected, actual)) {
                differences.add(key + ": expected " + expected + ", found " + actual);
            }
        }
        assertEquals(List.of(), differences, "subset " + paths);
    }

    private static void assertNoWorkingDirectories(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            assertTrue(entries.noneMatch(p -> p.getFileName().toString().startsWith(".aiod-")),
                    "working directories left in " + dir);
        }
    }
}
