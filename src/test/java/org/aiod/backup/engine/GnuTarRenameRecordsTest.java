package org.aiod.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.aiod.backup.engine.testing.ChangeScenario.IoConsumer;
import org.aiod.backup.engine.testing.GnuTar;
import org.aiod.backup.engine.testing.TreeSnapshot;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rename records GNU tar 1.34 writes into a dumpdir ({@code R}/{@code T} pairs, {@code X} and the empty name
 * of its temporary directory), in chains GNU tar itself writes with the legacy command: the engine applies every one
 * and restores each level file by file as it was, directory mtimes included; a record that cannot be applied fails
 * the restore with {@code CORRUPT_ARCHIVE} naming the member, and the dataset is left exactly as it was.
 */
class GnuTarRenameRecordsTest {

    private static final String DS = "ds";

    @TempDir
    Path tmp;

    /** Level 0: {@code a/f1}, {@code a/s/f4}, {@code b/f2}, {@code c/f3}, {@code top}. */
    private static void initialTree(Path ds) throws IOException {
        Trees.write(ds.resolve("a/f1"), "f1 in a\n");
        Trees.write(ds.resolve("a/s/f4"), "f4 in a/s\n");
        Trees.write(ds.resolve("b/f2"), "f2 in b\n");
        Trees.write(ds.resolve("c/f3"), "f3 in c\n");
        Trees.write(ds.resolve("top"), "top\n");
    }

    /** A GNU tar chain: its archives and the tree captured after each level. */
    private record Chain(Path backupRoot, List<Path> archives, List<TreeSnapshot> levels) {
    }

    private Chain gnuChain(String name, List<IoConsumer<Path>> changes) throws IOException {
        Path dataRoot = tmp.resolve(name + "/data");
        Path backupRoot = tmp.resolve(name + "/backups");
        Path ds = dataRoot.resolve(DS);
        initialTree(ds);
        List<Path> archives = new ArrayList<>();
        List<TreeSnapshot> levels = new ArrayList<>();
        for (int level = 0; level <= changes.size(); level++) {
            if (level > 0) {
                changes.get(level - 1).accept(ds);
            }
            Trees.tick(tmp);
            archives.add(GnuTar.legacyLevel(backupRoot, dataRoot, DS, 0, level));
            levels.add(TreeSnapshot.of(ds));
            Trees.tick(tmp);
        }
        return new Chain(backupRoot, archives, levels);
    }

    private static Engine engine(Path dataRoot, Path backupRoot) {
        return new Engine(EngineOptions.defaults(dataRoot, backupRoot).withLockTimeout(Duration.ofSeconds(30)));
    }

    private static void move(Path ds, String from, String to) throws IOException {
        Files.move(ds.resolve(from), ds.resolve(to));
    }

    static Stream<Arguments> renames() {
        return Stream.of(
                Arguments.of("cycle of two: mv a t && mv b a && mv t b", (IoConsumer<Path>) ds -> {
                    move(ds, "a", "t");
                    move(ds, "b", "a");
                    move(ds, "t", "b");
                }),
                Arguments.of("a cycle of subdirectories: mv a/s t && mv b a/s && mv t b", (IoConsumer<Path>) ds -> {
                    move(ds, "a/s", "t");
                    move(ds, "b", "a/s");
                    move(ds, "t", "b");
                }),
                Arguments.of("chain: mv a x && mv b a", (IoConsumer<Path>) ds -> {
                    move(ds, "a", "x");
                    move(ds, "b", "a");
                }),
                Arguments.of("into a renamed directory: mv b a/b && mv a x", (IoConsumer<Path>) ds -> {
                    move(ds, "b", "a/b");
                    move(ds, "a", "x");
                }),
                Arguments.of("out of a renamed directory: mv a b/a && mv b/a/s b/s", (IoConsumer<Path>) ds -> {
                    move(ds, "a", "b/a");
                    move(ds, "b/a/s", "b/s");
                }),
                Arguments.of("nested: mv c a/c && mv b a/c/b", (IoConsumer<Path>) ds -> {
                    move(ds, "c", "a/c");
                    move(ds, "b", "a/c/b");
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renames")
    void everyRecordGnuTarWritesIsAppliedAndEveryLevelRestoresAsItWas(String name, IoConsumer<Path> change)
            throws Exception {
        // a second level changes a file inside a moved directory, so that level 2 depends on level 1's renames
        Chain chain = gnuChain("chain", List.of(change, ds -> {
            try (Stream<Path> files = Files.walk(ds)) {
                for (Path f : files.filter(p -> p.getFileName().toString().equals("f4")).toList()) {
                    Files.writeString(f, "f4 changed at level 2\n");
                }
            }
        }));
        assertTrue(GnuTar.list(chain.archives().get(1)).stream().anyMatch(line -> line.startsWith("R ")),
                "GNU tar wrote rename records: " + GnuTar.list(chain.archives().get(1)));
        Path restoreRoot = Files.createDirectories(tmp.resolve("restore"));
        Engine engine = engine(restoreRoot, chain.backupRoot());
        for (int level = 0; level < chain.levels().size(); level++) {
            engine.restore(DS, 0, level);
            TreeSnapshot.of(restoreRoot.resolve(DS)).assertSameAs(chain.levels().get(level),
                    name + ": engine restore of GNU tar level " + level);
        }
    }

    @Test
    void aCycleIsBrokenWithAnXRecordAndItsTemporaryDirectoryAndBrowsesAsItWas() throws Exception {
        Chain chain = gnuChain("cycle", List.of(ds -> {
            move(ds, "a", "t");
            move(ds, "b", "a");
            move(ds, "t", "b");
        }));
        List<String> listing = GnuTar.list(chain.archives().get(1));
        assertTrue(listing.contains("X ./ds") && listing.contains("T ") && listing.contains("R "),
                "GNU tar broke the cycle with X and empty names: " + listing);
        // GNU tar 1.34 makes the temporary directory of X relative to its working directory, not to --directory:
        // the legacy restore command cannot apply its own cycle records
        AssertionError legacy = assertThrows(AssertionError.class,
                () -> GnuTar.legacyRestoreChain(tmp.resolve("gnu-restore"), chain.archives()));
        assertTrue(legacy.getMessage().contains("Cannot create temporary directory"), legacy.getMessage());

        Path restoreRoot = Files.createDirectories(tmp.resolve("restore"));
        Engine engine = engine(restoreRoot, chain.backupRoot());
        engine.restore(DS, 0, 1);
        TreeSnapshot.of(restoreRoot.resolve(DS)).assertSameAs(chain.levels().get(1), "restore of the swap");
        assertEquals("f1 in a\n", Files.readString(restoreRoot.resolve(DS).resolve("b/f1")));

        // browsing follows the renames back through the temporary directory to level 0
        assertEquals(List.of("f2"), engine.list(DS, 0, 1, "a").stream().map(TreeEntry::name).toList());
        try (ArchivedFile file = engine.open(DS, 0, 1, "a/f2")) {
            assertEquals("f2 in b\n", new String(file.content().readAllBytes()));
        }
        // a dry run replays the same records
        RestoreSummary dry = engine.restore(new RestoreSpec(DS, 0, 1).withDryRun(true));
        RestorePlan plan = dry.plan();
        assertEquals(List.of(0L, 0L, 0L, 0L, 0L), List.of(plan.create().count(), plan.replace().count(),
                plan.delete().count(), plan.directoriesToCreate(), plan.directoriesToDelete()),
                "the restored level has nothing to change: " + plan);
    }

    /**
     * {@code rm -rf b && mv a b}: GNU tar 1.34 records only {@code R ./ds/a T ./ds/b}, which cannot be applied over
     * level 0's {@code b}; GNU tar fails ("Directory not empty", exit 2).
     */
    @Test
    void aRenameOntoANameDeletedInTheSameLevelFailsTheRestoreAndLeavesTheDatasetAsItWas() throws Exception {
        Chain chain = gnuChain("onto-deleted", List.of(ds -> {
            Trees.deleteRecursively(ds.resolve("b"));
            move(ds, "a", "b");
        }));
        assertGnuTarAndEngineRefuse(chain, "Directory not empty", "target exists and is not an empty directory");
    }

    /**
     * {@code mv b x && mv a b}: GNU tar 1.34 adds a bogus {@code R ./ds/x/s T ./ds/b/s} for the subdirectory that
     * moved with {@code a}, whose source no longer exists when it is applied; GNU tar fails ("No such file or
     * directory", exit 2).
     */
    @Test
    void aRenameWhoseSourceIsMissingFailsTheRestoreAndLeavesTheDatasetAsItWas() throws Exception {
        Chain chain = gnuChain("source-missing", List.of(ds -> {
            move(ds, "b", "x");
            move(ds, "a", "b");
        }));
        assertGnuTarAndEngineRefuse(chain, "No such file or directory", "its source is missing");
    }

    /**
     * {@code mv a t && mv b a && mv c b && mv t c}: GNU tar 1.34 writes the cycle's records twice (once for each
     * way into it), so applying them rotates the three directories twice; GNU tar's own restore then exits 0 with
     * three files missing. The engine sees that the directories the records moved lack entries their listings say
     * are unchanged, and refuses.
     */
    @Test
    void aCycleOfThreeThatGnuTarWritesTwiceFailsTheRestoreInsteadOfLosingFiles() throws Exception {
        Chain chain = gnuChain("cycle-of-three", List.of(ds -> {
            move(ds, "a", "t");
            move(ds, "b", "a");
            move(ds, "c", "b");
            move(ds, "t", "c");
        }));
        // run inside the destination: GNU tar 1.34 makes X's temporary directory relative to its working
        // directory, not to --directory (see aCycleIsBrokenWithAnXRecord...)
        Path gnuRestore = Files.createDirectories(tmp.resolve("gnu-restore"));
        for (Path archive : chain.archives()) {
            GnuTar.run(gnuRestore, List.of("tar", "--extract", "--file=" + archive, "--listed-incremental=/dev/null"),
                    false);
        }
        assertTrue(TreeSnapshot.of(gnuRestore.resolve(DS)).differencesFrom(chain.levels().get(1)).stream()
                .anyMatch(d -> d.startsWith("missing")), "GNU tar's own restore silently loses files");

        Path restoreRoot = Files.createDirectories(tmp.resolve("restore"));
        Engine engine = engine(restoreRoot, chain.backupRoot());
        engine.restore(DS, 0, 0);
        TreeSnapshot before = TreeSnapshot.of(restoreRoot.resolve(DS));
        BackupException.CorruptArchive refused = assertThrows(BackupException.CorruptArchive.class,
                () -> engine.restore(DS, 0, 1));
        assertTrue(refused.getMessage().contains("as unchanged, but neither an earlier level nor the rename records"),
                refused.getMessage());
        TreeSnapshot.of(restoreRoot.resolve(DS)).assertSameAs(before, "the dataset after the refused restore");
        assertThrows(BackupException.CorruptArchive.class,
                () -> engine.restore(new RestoreSpec(DS, 0, 1).withDryRun(true)));
    }

    private void assertGnuTarAndEngineRefuse(Chain chain, String gnuError, String engineReason) throws Exception {
        AssertionError gnu = assertThrows(AssertionError.class,
                () -> GnuTar.legacyRestoreChain(tmp.resolve("gnu-restore"), chain.archives()));
        assertTrue(gnu.getMessage().contains("status 2") && gnu.getMessage().contains(gnuError),
                "GNU tar refuses the chain it wrote: " + gnu.getMessage());

        Path restoreRoot = Files.createDirectories(tmp.resolve("restore"));
        Engine engine = engine(restoreRoot, chain.backupRoot());
        engine.restore(DS, 0, 0);
        Path ds = restoreRoot.resolve(DS);
        TreeSnapshot.of(ds).assertSameAs(chain.levels().get(0), "level 0");
        TreeSnapshot before = TreeSnapshot.of(ds);

        BackupException.CorruptArchive refused = assertThrows(BackupException.CorruptArchive.class,
                () -> engine.restore(DS, 0, 1));
        assertEquals("CORRUPT_ARCHIVE", refused.code());
        assertTrue(refused.getMessage().contains("member './ds/'") && refused.getMessage().contains(engineReason)
                && refused.getMessage().contains("ds1.tar.gz"), refused.getMessage());
        TreeSnapshot.of(ds).assertSameAs(before, "the dataset after the refused restore");
        try (Stream<Path> entries = Files.list(ds)) {
            assertEquals(List.of(), entries.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(".aiod-")).toList(), "working directories left behind");
        }

        BackupException.CorruptArchive dryRun = assertThrows(BackupException.CorruptArchive.class,
                () -> engine.restore(new RestoreSpec(DS, 0, 1).withDryRun(true)));
        assertTrue(dryRun.getMessage().contains(engineReason), dryRun.getMessage());
        TreeSnapshot.of(ds).assertSameAs(before, "the dataset after the refused dry run");
    }
}
