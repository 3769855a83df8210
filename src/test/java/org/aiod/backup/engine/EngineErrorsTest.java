package org.aiod.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.aiod.backup.engine.testing.GnuTar;
import org.aiod.backup.engine.testing.TreeSnapshot;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every way a request can fail: the right {@link BackupException} kind, a message that names what is wrong, and
 * nothing half-written left behind (no temporary files, no level files, the dataset untouched).
 */
class EngineErrorsTest {

    private static final String DS = "x";

    @TempDir
    Path tmp;

    private Path dataRoot;
    private Path backupRoot;
    private Engine engine;
    private final List<Path> mounts = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        dataRoot = tmp.resolve("data");
        backupRoot = tmp.resolve("backups");
        Trees.write(dataRoot.resolve(DS).resolve("a.txt"), "alpha\n");
        Trees.write(dataRoot.resolve(DS).resolve("dir/b.txt"), "beta\n");
        engine = new Engine(EngineOptions.defaults(dataRoot, backupRoot).withCycleLength(2));
    }

    @AfterEach
    void unmount() throws Exception {
        for (Path mount : mounts) {
            run("umount", mount.toString());
        }
    }

    // ---- unknown datasets and invalid names

    @Test
    void backupOfADatasetWithoutDirectoryIsDatasetNotFound() throws IOException {
        BackupException.DatasetNotFound e = assertThrows(BackupException.DatasetNotFound.class,
                () -> engine.backup("nope"));
        assertEquals("DATASET_NOT_FOUND", e.code());
        assertTrue(e.getMessage().contains(dataRoot.resolve("nope").toString()),
                () -> "should name the missing directory: " + e.getMessage());
        assertFalse(Files.exists(backupRoot.resolve("nope")), "a backup directory was created for it");
        assertNothingHalfWritten("nope");
    }

    @Test
    void restoreOfADatasetWithoutBackupsIsDatasetNotFound() throws IOException {
        TreeSnapshot before = TreeSnapshot.of(dataRoot.resolve(DS));
        BackupException.DatasetNotFound e = assertThrows(BackupException.DatasetNotFound.class,
                () -> engine.restore(DS, 0, null));
        assertEquals("DATASET_NOT_FOUND", e.code());
        assertTrue(e.getMessage().contains("'" + DS + "'"), e.getMessage());
        TreeSnapshot.of(dataRoot.resolve(DS)).assertSameAs(before, "the dataset after the refused restore");
        assertFalse(Files.exists(backupRoot.resolve(DS)), "a backup directory was created for it");
        assertNothingHalfWritten(DS);
    }

    @ParameterizedTest(name = "backup of \"{0}\"")
    @ValueSource(strings = {"../x", "", ".hidden", "a/b", "x y", "..", ".", "x/", "/x", ".aiod-backup", "-x"})
    void invalidNameIsRefusedByBackup(String name) throws IOException {
        TreeSnapshot dataBefore = TreeSnapshot.of(dataRoot);
        BackupException.InvalidDataset e = assertThrows(BackupException.InvalidDataset.class,
                () -> engine.backup(name));
        assertEquals("INVALID_DATASET", e.code());
        assertTrue(e.getMessage().contains("'" + name + "'"), () -> "should name '" + name + "': " + e.getMessage());
        assertFalse(Files.exists(backupRoot), "the backup root was touched for an invalid name");
        TreeSnapshot.of(dataRoot).assertSameAs(dataBefore, "the data root");
    }

    @ParameterizedTest(name = "restore of \"{0}\"")
    @ValueSource(strings = {"../x", "", ".hidden", "a/b", "x y", "..", ".", "x/", "/x", ".aiod-backup", "-x"})
    void invalidNameIsRefusedByRestore(String name) throws IOException {
        engine.backup(DS);
        TreeSnapshot dataBefore = TreeSnapshot.of(dataRoot);
        TreeSnapshot backupsBefore = backupTree();
        BackupException.InvalidDataset e = assertThrows(BackupException.InvalidDataset.class,
                () -> engine.restore(name, 0, null));
        assertEquals("INVALID_DATASET", e.code());
        assertTrue(e.getMessage().contains("'" + name + "'"), () -> "should name '" + name + "': " + e.getMessage());
        TreeSnapshot.of(dataRoot).assertSameAs(dataBefore, "the data root");
        backupTree().assertSameAs(backupsBefore, "the backup root");
        assertThrows(BackupException.InvalidDataset.class, () -> engine.cycles(name));
    }

    @Test
    void nullNameIsInvalid() {
        assertThrows(BackupException.InvalidDataset.class, () -> engine.backup(null));
        assertThrows(BackupException.InvalidDataset.class, () -> engine.restore(null, 0, null));
    }

    // ---- cycles and levels that do not exist

    /** cycle length 2, three backups: x_0 with levels 0 and 1, x_1 with level 0. */
    private void threeBackups() throws IOException {
        for (int i = 0; i < 3; i++) {
            engine.backup(DS);
            Trees.tick(tmp);
            Trees.write(dataRoot.resolve(DS).resolve("n" + i + ".txt"), "change " + i + "\n");
        }
        List<CycleInfo> cycles = engine.cycles(DS);
        assertEquals(List.of(0L, 1L), cycles.stream().map(CycleInfo::cycle).toList());
        assertEquals(1, cycles.get(0).lastLevel());
        assertEquals(0, cycles.get(1).lastLevel());
    }

    @Test
    void missingCycleIsCycleNotFoundListingTheCyclesThatExist() throws IOException {
        threeBackups();
        assertRefusedCleanly(BackupException.CycleNotFound.class, "NO_SUCH_CYCLE", () -> engine.restore(DS, 7, null),
                "7", "cycles: [0, 1]");
        assertRefusedCleanly(BackupException.CycleNotFound.class, "NO_SUCH_CYCLE", () -> engine.restore(DS, 2, 0),
                "2", "cycles: [0, 1]");
        assertRefusedCleanly(BackupException.CycleNotFound.class, "NO_SUCH_CYCLE", () -> engine.restore(DS, -1, null),
                "-1", "cycles: [0, 1]");
    }

    @Test
    void cycleWithoutCompleteLevelZeroIsCycleNotFound() throws IOException {
        threeBackups();
        Path cycle5 = Files.createDirectories(backupRoot.resolve(DS).resolve(DS + "_5"));
        Files.writeString(cycle5.resolve("x1.tar.gz"), "a level 1 without its level 0");
        assertRefusedCleanly(BackupException.CycleNotFound.class, "NO_SUCH_CYCLE", () -> engine.restore(DS, 5, null),
                "5");
    }

    @Test
    void missingLevelIsLevelNotFound() throws IOException {
        threeBackups();
        assertRefusedCleanly(BackupException.LevelNotFound.class, "NO_SUCH_LEVEL", () -> engine.restore(DS, 0, 5),
                "level 5", "0..1");
        assertRefusedCleanly(BackupException.LevelNotFound.class, "NO_SUCH_LEVEL", () -> engine.restore(DS, 0, 2),
                "level 2", "0..1");
        assertRefusedCleanly(BackupException.LevelNotFound.class, "NO_SUCH_LEVEL", () -> engine.restore(DS, 0, -1),
                "level -1", "0..1");
        assertRefusedCleanly(BackupException.LevelNotFound.class, "NO_SUCH_LEVEL", () -> engine.restore(DS, 1, 1),
                "level 1", "0..0");
    }

    private <T extends BackupException> void assertRefusedCleanly(Class<T> kind, String code, Executable call,
            String... mentions) throws IOException {
        TreeSnapshot datasetBefore = TreeSnapshot.of(dataRoot.resolve(DS));
        TreeSnapshot backupsBefore = backupTree();
        T e = assertThrows(kind, call);
        assertEquals(code, e.code());
        for (String mention : mentions) {
            assertTrue(e.getMessage().contains(mention), () -> "should mention " + mention + ": " + e.getMessage());
        }
        TreeSnapshot.of(dataRoot.resolve(DS)).assertSameAs(datasetBefore, "the dataset after " + code);
        backupTree().assertSameAs(backupsBefore, "the backup root after " + code);
        assertEquals(List.of(), internalEntries(dataRoot.resolve(DS)));
        assertNothingHalfWritten(DS);
    }

    // ---- the backup root cannot take it

    @Test
    void backupRootUnderARegularFileIsNotWritable() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "not a directory\n");
        Path root = file.resolve("backups");
        Engine blocked = new Engine(EngineOptions.defaults(dataRoot, root));

        BackupException.NotWritable e = assertThrows(BackupException.NotWritable.class, () -> blocked.backup(DS));
        assertEquals("NOT_WRITABLE", e.code());
        assertTrue(e.getMessage().contains(root.toString()), () -> "should name the backup root: " + e.getMessage());
        assertEquals("not a directory\n", Files.readString(file));
        assertEquals(List.of("a-file", "data"), names(tmp));
    }

    @Test
    void backupRootOnAReadOnlyFileSystemIsNotWritable() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("ro"));
        mountTmpfs(root, "ro,size=1m");
        Engine blocked = new Engine(EngineOptions.defaults(dataRoot, root));

        BackupException.NotWritable e = assertThrows(BackupException.NotWritable.class, () -> blocked.backup(DS));
        assertEquals("NOT_WRITABLE", e.code());
        assertTrue(e.getMessage().contains(root.toString()), () -> "should name the backup root: " + e.getMessage());
        assertEquals(List.of(), names(root));
    }

    @Test
    void fullDiskIsDiskFullAndLeavesNoLevelBehindThenASmallerBackupFits() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("small"));
        mountTmpfs(root, "size=1m");
        Engine cramped = new Engine(EngineOptions.defaults(dataRoot, root));
        // the file is empty when the walk sizes the level (so the disk guard lets it pass) and grows to 3 MiB before
        // its content is written: the disk fills during the write, which only DISK_FULL can report
        Path big = Trees.write(dataRoot.resolve(DS).resolve("big.bin"), new byte[0]);
        ProgressListener grows = new ProgressListener() {
            @Override
            public void phase(Phase phase) {
                if (phase == Phase.DIRECTORIES_WRITTEN) {
                    try {
                        Files.write(big, Trees.randomBytes(3, 3 * 1024 * 1024));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }
        };

        BackupException.DiskFull e = assertThrows(BackupException.DiskFull.class, () -> cramped.backup(DS, grows));
        assertEquals("DISK_FULL", e.code());
        assertTrue(e.getMessage().contains("'" + DS + "'"), e.getMessage());

        assertEquals(List.of(), levelFiles(root), "level files left by the failed backup");
        assertTrue(cramped.cycles(DS).stream().allMatch(c -> c.levels().isEmpty()),
                () -> "levels reported after the failed backup: " + cramped.cycles(DS));
        assertEquals(List.of(), names(root.resolve(".aiod-backup").resolve("tmp").resolve(DS)),
                "temporary files left by the failed backup");
        assertEquals(List.of(), regularFilesOutsideState(root), "files left by the failed backup");

        Files.delete(big);
        Trees.write(dataRoot.resolve(DS).resolve("small.bin"), Trees.randomBytes(4, 100 * 1024));
        BackupSummary ok = cramped.backup(DS);
        assertEquals(0, ok.cycle());
        assertEquals(0, ok.level());
        assertEquals(List.of(root.resolve(DS).resolve(DS + "_0").resolve("x0.tar.gz")), levelFiles(root));
        Path dest = tmp.resolve("gnutar");
        GnuTar.legacyRestore(dest, ok.archive());
        TreeSnapshot.of(dest.resolve(DS)).assertSameAs(TreeSnapshot.of(dataRoot.resolve(DS)),
                "GNU tar restore of the level written after the disk-full one");
        assertEquals(List.of(), names(root.resolve(".aiod-backup").resolve("tmp").resolve(DS)));
    }

    /**
     * The disk guard (needs root: mounts an 8 MiB tmpfs as the backup root). A level whose archive could need more
     * than the file system has free is refused with INSUFFICIENT_SPACE before anything is written, for an
     * incremental level and for the level 0 of a new cycle alike; the backup root is left as it was, file by file,
     * and levels that fit are still written.
     */
    @Test
    void levelLargerThanTheFreeSpaceIsRefusedBeforeWritingOnA8MiBTmpfsAsRoot() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("small"));
        mountTmpfs(root, "size=8m");
        Engine cramped = new Engine(EngineOptions.defaults(dataRoot, root).withCycleLength(2));
        assertEquals(0, cramped.backup(DS).level());
        Path big = Trees.write(dataRoot.resolve(DS).resolve("big.bin"), Trees.randomBytes(5, 12 * 1024 * 1024));

        // left out: the lock files and the runs' scratch directory, which every run (refused or not) rewrites and
        // sweeps; that scratch is asserted empty instead
        java.util.function.Predicate<String> rewrittenByEveryRun = p -> p.equals(".aiod-backup/locks")
                || p.equals(".aiod-backup/tmp");
        Path scratch = root.resolve(".aiod-backup").resolve("tmp").resolve(DS);
        TreeSnapshot before = TreeSnapshot.of(root, rewrittenByEveryRun);
        BackupException.InsufficientSpace e = assertThrows(BackupException.InsufficientSpace.class,
                () -> cramped.backup(DS));
        assertEquals("INSUFFICIENT_SPACE", e.code());
        assertTrue(e.needed() > 12L * 1024 * 1024, "the bound covers the file: " + e.needed());
        assertTrue(e.free() < 8L * 1024 * 1024, "free on an 8 MiB tmpfs: " + e.free());
        for (String named : List.of("'" + DS + "'", root.toString(), e.needed() + " bytes", e.free() + " bytes")) {
            assertTrue(e.getMessage().contains(named), () -> "should name " + named + ": " + e.getMessage());
        }
        TreeSnapshot.of(root, rewrittenByEveryRun).assertSameAs(before,
                "the backup root after the refused incremental level");
        assertEquals(List.of(), names(scratch), "temporary files left by the refused level");

        // what fits is still backed up: level 1 of the same cycle
        Files.delete(big);
        Trees.write(dataRoot.resolve(DS).resolve("medium.bin"), Trees.randomBytes(6, 1024 * 1024));
        BackupSummary fits = cramped.backup(DS);
        assertEquals(0, fits.cycle());
        assertEquals(1, fits.level());

        // the next level is the level 0 of cycle 1: refused without creating the cycle's directory
        Trees.write(dataRoot.resolve(DS).resolve("big.bin"), Trees.randomBytes(7, 12 * 1024 * 1024));
        TreeSnapshot full = TreeSnapshot.of(root, rewrittenByEveryRun);
        assertThrows(BackupException.InsufficientSpace.class, () -> cramped.backup(DS));
        TreeSnapshot.of(root, rewrittenByEveryRun).assertSameAs(full,
                "the backup root after the refused level 0");
        assertEquals(List.of(), names(scratch), "temporary files left by the refused level 0");
        assertFalse(Files.exists(root.resolve(DS).resolve(DS + "_1")), "cycle 1 was created");
    }

    // ---- helpers

    private void mountTmpfs(Path dir, String mountOptions) throws Exception {
        int exit = run("mount", "-t", "tmpfs", "-o", mountOptions, "tmpfs", dir.toString());
        Assumptions.assumeTrue(exit == 0, "cannot mount a tmpfs here (not root, or no CAP_SYS_ADMIN)");
        mounts.add(dir);
    }

    private static int run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        if (exit != 0) {
            System.err.println(String.join(" ", command) + " exited " + exit + ": " + output);
        }
        return exit;
    }

    /** The backup root without the lock files, whose content and mtime every run rewrites. */
    private TreeSnapshot backupTree() throws IOException {
        if (!Files.exists(backupRoot)) {
            Files.createDirectories(backupRoot);
        }
        return TreeSnapshot.of(backupRoot, p -> p.equals(".aiod-backup/locks"));
    }

    /** No temporary files in the dataset's tmp directory and no level file outside a complete chain. */
    private void assertNothingHalfWritten(String dataset) throws IOException {
        Path tmpDir = backupRoot.resolve(".aiod-backup").resolve("tmp").resolve(dataset);
        if (Files.exists(tmpDir)) {
            assertEquals(List.of(), names(tmpDir), "temporary files left in " + tmpDir);
        }
        if (Files.exists(backupRoot)) {
            for (Path level : levelFiles(backupRoot)) {
                assertTrue(level.getFileName().toString().matches("\\Q" + DS + "\\E\\d+\\.tar\\.gz"), level::toString);
            }
        }
    }

    private static List<Path> levelFiles(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().endsWith(".tar.gz"))
                    .sorted().toList();
        }
    }

    private static List<Path> regularFilesOutsideState(Path root) throws IOException {
        Path state = root.resolve(".aiod-backup");
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(p -> !p.startsWith(state)).filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static List<String> internalEntries(Path dir) throws IOException {
        return names(dir).stream().filter(n -> n.startsWith(".aiod-")).toList();
    }
}
