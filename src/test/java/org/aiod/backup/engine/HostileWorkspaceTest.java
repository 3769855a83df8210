package org.aiod.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.aiod.backup.engine.testing.GnuTar;
import org.aiod.backup.engine.testing.TreeSnapshot;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A dataset directory whose content, or whose own path, was prepared by someone hostile: entries named like the
 * engine's working directories, and a dataset path that is a symlink or a file. Nothing outside the dataset's real
 * directory may be read into it, written or deleted, and a user's entry of any name is data like any other.
 */
class HostileWorkspaceTest {

    private static final String DS = "x";

    @TempDir
    Path tmp;

    private Path dataRoot;
    private Path backupRoot;
    private Path datasetDir;
    private Path elsewhere;
    private Engine engine;

    @BeforeEach
    void roots() throws IOException {
        dataRoot = Files.createDirectories(tmp.resolve("data"));
        backupRoot = tmp.resolve("backups");
        datasetDir = dataRoot.resolve(DS);
        Trees.write(datasetDir.resolve("top.txt"), "the dataset's own file");
        Trees.write(datasetDir.resolve("sub/inner.txt"), "the dataset's own inner file");
        elsewhere = tmp.resolve("elsewhere");
        Trees.write(elsewhere.resolve("secret.txt"), "outside the data root");
        Trees.write(elsewhere.resolve("deep/keep.txt"), "outside too");
        engine = new Engine(EngineOptions.defaults(dataRoot, backupRoot).withCycleLength(100));
    }

    @Test
    void symlinkNamedLikeASwapDirectoryIsBackedUpAsASymlinkAndNothingMovesIn() throws IOException {
        String name = ".aiod-swap-" + UUID.randomUUID();
        Files.createSymbolicLink(datasetDir.resolve(name), elsewhere.toAbsolutePath());
        TreeSnapshot dataset = TreeSnapshot.of(datasetDir);
        TreeSnapshot outside = TreeSnapshot.of(elsewhere);

        BackupSummary level0 = engine.backup(DS);

        TreeSnapshot.of(datasetDir).assertSameAs(dataset, "the dataset after a backup");
        TreeSnapshot.of(elsewhere).assertSameAs(outside, "the symlink's target after a backup");
        assertTrue(GnuTar.members(level0.archive()).contains("./" + DS + "/" + name),
                "the symlink is a member: " + GnuTar.members(level0.archive()));
        assertEquals(List.of(), level0.warnings());

        // a second run (an incremental) neither
        Trees.write(datasetDir.resolve("later.txt"), "after level 0");
        TreeSnapshot withLater = TreeSnapshot.of(datasetDir);
        assertEquals(1, engine.backup(DS).level());
        TreeSnapshot.of(datasetDir).assertSameAs(withLater, "the dataset after level 1");
        TreeSnapshot.of(elsewhere).assertSameAs(outside, "the symlink's target after level 1");

        Path restoreRoot = Files.createDirectories(tmp.resolve("restored"));
        new Engine(EngineOptions.defaults(restoreRoot, backupRoot)).restore(DS, 0, null);
        TreeSnapshot.of(restoreRoot.resolve(DS)).assertSameAs(withLater, "restored elsewhere");
        assertEquals(elsewhere.toAbsolutePath(), Files.readSymbolicLink(restoreRoot.resolve(DS).resolve(name)));

        // in place: the restore replaces the dataset's content and never looks through the symlink
        Files.delete(datasetDir.resolve("top.txt"));
        engine.restore(DS, 0, null);
        TreeSnapshot.of(datasetDir).ignoringDirectoryMtimes().assertSameAs(withLater.ignoringDirectoryMtimes(),
                "restored in place");
        TreeSnapshot.of(elsewhere).assertSameAs(outside, "the symlink's target after restores");
    }

    @ParameterizedTest
    @ValueSource(strings = {".aiod-swap-", ".aiod-old-", ".aiod-trash-", ".aiod-restore-"})
    void realDirectoryNamedLikeAWorkingDirectoryIsBackedUpAndRestoredLikeAnyOther(String prefix) throws IOException {
        String name = prefix + UUID.randomUUID();
        Trees.write(datasetDir.resolve(name + "/user.txt"), "a user's file in a directory of a reserved-looking name");
        Trees.write(datasetDir.resolve(name + "/nested/more.txt"), "more");
        TreeSnapshot dataset = TreeSnapshot.of(datasetDir);

        BackupSummary level0 = engine.backup(DS);
        TreeSnapshot.of(datasetDir).assertSameAs(dataset, "the dataset after a backup");
        assertEquals(4, level0.files(), "top.txt, sub/inner.txt, user.txt and nested/more.txt: " + level0);
        assertTrue(GnuTar.members(level0.archive()).contains("./" + DS + "/" + name + "/user.txt"));

        Trees.write(datasetDir.resolve(name + "/user.txt"), "changed after level 0");
        TreeSnapshot changed = TreeSnapshot.of(datasetDir);
        BackupSummary level1 = engine.backup(DS);
        assertEquals(1, level1.level());
        TreeSnapshot.of(datasetDir).assertSameAs(changed, "the dataset after level 1");

        Path restoreRoot = Files.createDirectories(tmp.resolve("restored"));
        Engine restorer = new Engine(EngineOptions.defaults(restoreRoot, backupRoot));
        restorer.restore(DS, 0, 0);
        TreeSnapshot.of(restoreRoot.resolve(DS)).assertSameAs(dataset, "level 0 restored elsewhere");
        restorer.restore(DS, 0, 1);
        TreeSnapshot.of(restoreRoot.resolve(DS)).assertSameAs(changed, "level 1 restored elsewhere");

        engine.restore(DS, 0, 0);
        TreeSnapshot.of(datasetDir).ignoringDirectoryMtimes().assertSameAs(dataset.ignoringDirectoryMtimes(),
                "level 0 restored in place");
        assertEquals(2, engine.backup(DS).level());
        TreeSnapshot.of(datasetDir).ignoringDirectoryMtimes().assertSameAs(dataset.ignoringDirectoryMtimes(),
                "the dataset after the next backup");
    }

    @Test
    void workingDirectoryNamePlantedByAnArchiveIsRestoredAsDataAndBackedUpAsData() throws IOException {
        // the archive: written by GNU tar from a tree someone prepared, with a member ./x/.aiod-swap-<uuid>/...
        Path hostileRoot = tmp.resolve("hostile");
        String name = ".aiod-swap-" + UUID.randomUUID();
        Trees.write(hostileRoot.resolve(DS).resolve(name).resolve("planted.txt"), "planted by the archive");
        Trees.write(hostileRoot.resolve(DS).resolve("kept.txt"), "the archive's ordinary file");
        Path archive = GnuTar.legacyLevel(backupRoot, hostileRoot, DS, 0, 0);
        assertTrue(GnuTar.members(archive).contains("./" + DS + "/" + name + "/planted.txt"));
        TreeSnapshot archived = TreeSnapshot.of(hostileRoot.resolve(DS));

        engine.restore(DS, 0, 0);
        TreeSnapshot restored = TreeSnapshot.of(datasetDir);
        restored.ignoringDirectoryMtimes().assertSameAs(archived.ignoringDirectoryMtimes(), "the archive restored");

        BackupSummary next = engine.backup(DS);
        assertEquals(1, next.level());
        TreeSnapshot.of(datasetDir).assertSameAs(restored, "the dataset after the next backup");
        assertEquals(List.of(), next.warnings());

        Path restoreRoot = Files.createDirectories(tmp.resolve("restored"));
        new Engine(EngineOptions.defaults(restoreRoot, backupRoot)).restore(DS, 0, 1);
        TreeSnapshot.of(restoreRoot.resolve(DS)).ignoringDirectoryMtimes().assertSameAs(
                archived.ignoringDirectoryMtimes(), "level 1 restored elsewhere");
    }

    @Test
    void datasetDirectoryThatIsASymlinkIsRefusedByBackupRestoreAndVerify() throws IOException {
        engine.backup(DS);
        Trees.deleteRecursively(datasetDir);
        Files.createSymbolicLink(datasetDir, elsewhere.toAbsolutePath());
        TreeSnapshot outside = TreeSnapshot.of(elsewhere);
        TreeSnapshot backups = backupTree();

        assertRefused(() -> engine.backup(DS), "symbolic link", elsewhere.toAbsolutePath().toString());
        assertRefused(() -> engine.restore(DS, 0, null), "symbolic link");
        assertRefused(() -> engine.verify(DS, null), "symbolic link");
        assertRefused(() -> engine.verify(DS, 0L), "symbolic link");

        TreeSnapshot.of(elsewhere).assertSameAs(outside, "the symlink's target");
        backupTree().assertSameAs(backups, "the backup root");
        assertTrue(Files.isSymbolicLink(datasetDir));
    }

    @Test
    void datasetPathThatIsARegularFileIsRefusedByBackupRestoreAndVerify() throws IOException {
        engine.backup(DS);
        Trees.deleteRecursively(datasetDir);
        Files.writeString(datasetDir, "a file where the dataset directory should be");
        TreeSnapshot data = TreeSnapshot.of(dataRoot);
        TreeSnapshot backups = backupTree();

        assertRefused(() -> engine.backup(DS), "regular file");
        assertRefused(() -> engine.restore(DS, 0, null), "regular file");
        assertRefused(() -> engine.verify(DS, null), "regular file");

        TreeSnapshot.of(dataRoot).assertSameAs(data, "the data root");
        backupTree().assertSameAs(backups, "the backup root");
    }

    @Test
    void recordedSwapDirectoryReplacedBySymlinkIsNotFollowedByRecovery() throws Exception {
        engine.backup(DS);
        Trees.write(datasetDir.resolve("unsaved.txt"), "written after the backup");
        assertEquals(CrashingRunMain.HALTED, CrashTest.runChild(dataRoot, backupRoot, "restore",
                "OLD_CONTENT_MOVED", "0", "0"));
        Path swap;
        try (Stream<Path> entries = Files.list(datasetDir)) {
            swap = entries.filter(p -> p.getFileName().toString().startsWith(".aiod-swap-")).findFirst()
                    .orElseThrow();
        }
        // someone moves the verified tree away and puts a symlink to elsewhere in its place
        Files.move(swap, tmp.resolve("moved-away"));
        Files.createSymbolicLink(swap, elsewhere.toAbsolutePath());
        TreeSnapshot outside = TreeSnapshot.of(elsewhere);

        List<LeftoverRecovery> report = engine.recoverLeftovers();

        TreeSnapshot.of(elsewhere).assertSameAs(outside, "the symlink's target after recovery");
        assertTrue(Files.isSymbolicLink(swap), "the symlink is left alone, as data");
        assertEquals(1, report.size(), report.toString());
        assertEquals(LeftoverRecovery.Outcome.RECOVERED, report.get(0).outcome());
        assertTrue(report.get(0).notes().stream().anyMatch(n -> n.contains(swap.getFileName().toString())
                && n.contains("left alone")), report.toString());
        try (Stream<Path> entries = Files.list(datasetDir)) {
            assertEquals(List.of(swap.getFileName().toString()),
                    entries.map(p -> p.getFileName().toString()).toList(), "the trash of old content is gone");
        }
        assertFalse(Files.exists(backupRoot.resolve(".aiod-backup/staging").resolve(DS)), "record removed");
    }

    private void assertRefused(Executable call, String... mentions) {
        BackupException.NotADirectory e = assertThrows(BackupException.NotADirectory.class, call);
        assertEquals("DATASET_NOT_A_DIRECTORY", e.code());
        assertTrue(e.getMessage().contains(datasetDir.toString()), e.getMessage());
        for (String mention : mentions) {
            assertTrue(e.getMessage().contains(mention), () -> "should mention " + mention + ": " + e.getMessage());
        }
    }

    private TreeSnapshot backupTree() throws IOException {
        return TreeSnapshot.of(backupRoot, p -> p.equals(".aiod-backup/locks"));
    }
}
