package org.aiod.backup.engine.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves the test support on GNU tar alone: the scenario backed up by the legacy command restores with the legacy
 * restore at every level exactly as snapshotted, each step is visible in the snapshots, and the snapshot comparison
 * reports what it should.
 */
class GnuTarSelfTest {

    private static final String DS = "ds";

    @TempDir
    Path tmp;

    @Test
    void gnuTarChainRestoresEveryLevelOfTheScenario() throws Exception {
        Path srcRoot = tmp.resolve("src");
        Path backupRoot = tmp.resolve("backups");
        ChangeScenario scenario = new ChangeScenario();
        scenario.createInitial(srcRoot.resolve(DS));

        List<TreeSnapshot> expected = new ArrayList<>();
        List<Path> archives = new ArrayList<>();
        archives.add(GnuTar.legacyLevel(backupRoot, srcRoot, DS, 0, 0));
        expected.add(TreeSnapshot.of(srcRoot.resolve(DS)));
        for (ChangeScenario.Step step : scenario.steps()) {
            Trees.tick(tmp);
            step.applyTo(srcRoot.resolve(DS));
            archives.add(GnuTar.legacyLevel(backupRoot, srcRoot, DS, 0, archives.size()));
            expected.add(TreeSnapshot.of(srcRoot.resolve(DS)));
        }

        assertEquals(List.of("ds.snar", "ds0.tar.gz", "ds1.tar.gz", "ds2.tar.gz", "ds3.tar.gz", "ds4.tar.gz"),
                fileNames(GnuTar.cycleDir(backupRoot, DS, 0)));
        for (int level = 1; level < expected.size(); level++) {
            assertFalse(expected.get(level).differencesFrom(expected.get(level - 1)).isEmpty(),
                    "step " + level + " changes nothing visible");
        }
        assertTrue(GnuTar.members(archives.get(0)).contains("./ds/" + ChangeScenario.BIG_FILE));
        for (int level = 1; level < archives.size(); level++) {
            assertFalse(GnuTar.members(archives.get(level)).contains("./ds/" + ChangeScenario.BIG_FILE),
                    "level " + level + " is not incremental:\n" + String.join("\n", GnuTar.list(archives.get(level))));
        }

        for (int level = 0; level < archives.size(); level++) {
            Path dest = tmp.resolve("restore-" + level);
            GnuTar.legacyRestoreChain(dest, archives.subList(0, level + 1));
            TreeSnapshot.of(dest.resolve(DS)).assertSameAs(expected.get(level), "GNU tar restore of level " + level);
        }

        // Levels 0..1 applied over a tree restored to the last level go back in time: GNU tar deletes what is
        // not in each directory's listing.
        Path dest = tmp.resolve("restore-" + (archives.size() - 1));
        GnuTar.legacyRestoreChain(dest, archives.subList(0, 2));
        TreeSnapshot.of(dest.resolve(DS)).assertSameAs(expected.get(1), "GNU tar restore of level 1 over level 4");
    }

    @Test
    void copyTreeIsExactAndTheSnapshotReportsEveryKindOfDifference() throws Exception {
        Path original = tmp.resolve("original");
        new ChangeScenario().createInitial(original);
        Path copy = tmp.resolve("copy");
        Trees.copyTree(original, copy);
        TreeSnapshot.assertSameTree(original, copy, "copyTree");

        TreeSnapshot before = TreeSnapshot.of(original);
        Trees.setMtime(copy, 1_234_567_890L);
        TreeSnapshot.of(copy).assertSameAs(before, "the root's own mtime is not compared");

        Trees.chmod(copy.resolve("private.txt"), "rw-r--r--");
        Trees.setMtime(copy.resolve("small.txt"), 1_000_000_000L);
        Files.writeString(copy.resolve("same-size.txt"), "version X of this text\n");
        Trees.setMtime(copy.resolve("same-size.txt"), Trees.mtime(original.resolve("same-size.txt")));
        Files.writeString(copy.resolve("empty.txt"), "not empty");
        Files.delete(copy.resolve("a/a.txt"));
        Trees.write(copy.resolve("extra.txt"), "extra");
        Files.delete(copy.resolve("dangling"));
        Trees.symlink(copy.resolve("dangling"), "elsewhere");
        Trees.deleteRecursively(copy.resolve("becomes-file"));
        Trees.write(copy.resolve("becomes-file"), "file");
        Trees.chmod(copy, "rwx------");

        AssertionError error = assertThrows(AssertionError.class,
                () -> TreeSnapshot.of(copy).ignoringDirectoryMtimes().assertSameAs(before, "ctx"));
        String message = error.getMessage();
        String[][] expectedLines = {
                {"differs  private.txt: ", "mode expected 0600 but was 0644"},
                {"differs  small.txt: ", "mtime expected 2020-"},
                {"differs  same-size.txt: ", "content differs (same size 23"},
                {"differs  empty.txt: ", "size expected 0 but was 9"},
                {"missing  a/a.txt ", "expected FILE"},
                {"extra    extra.txt ", "found FILE"},
                {"differs  dangling: ", "target expected 'does/not/exist' but was 'elsewhere'"},
                {"differs  becomes-file: ", "type expected DIR but was FILE"},
                {"missing  becomes-file/x.txt ", "expected FILE"},
                {"differs  .: ", "mode expected 0755 but was 0700"}};
        for (String[] expectedLine : expectedLines) {
            assertTrue(message.lines().anyMatch(l -> l.strip().startsWith(expectedLine[0].strip())
                    && l.contains(expectedLine[1])), "no '" + expectedLine[0] + "..." + expectedLine[1] + "' in:\n"
                            + message);
        }
        assertFalse(message.contains("same-size.txt: mtime"), "same-size.txt kept its mtime:\n" + message);
        assertTrue(message.startsWith("ctx: trees differ in 12 path(s)"), message);
        assertFalse(message.contains("differs  a: "), "directory mtimes were to be ignored:\n" + message);

        AssertionError withDirMtimes = assertThrows(AssertionError.class,
                () -> TreeSnapshot.of(copy).assertSameAs(before, "ctx"));
        assertTrue(withDirMtimes.getMessage().contains("differs  a: mtime expected"), withDirMtimes.getMessage());
    }

    @Test
    void aFailingTarReportsItsStderr() throws Exception {
        AssertionError error = assertThrows(AssertionError.class,
                () -> GnuTar.legacyRestore(tmp.resolve("dest"), tmp.resolve("missing.tar.gz")));
        assertTrue(error.getMessage().contains("exited with status 2"), error.getMessage());
        assertTrue(error.getMessage().contains("missing.tar.gz: Cannot open"), error.getMessage());
        assertTrue(GnuTar.version().startsWith("tar (GNU tar)"), GnuTar.version());
    }

    private static List<String> fileNames(Path dir) throws Exception {
        try (var stream = Files.list(dir)) {
            return stream.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
