package org.aiod.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
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
 * The engine records a directory it finds under a new name with its device and inode as GNU tar does, with rename
 * records in the top directory's listing, so that the move costs a listing and not the directory's content; cycles
 * are broken with a temporary name instead of GNU tar's {@code X} record (which GNU tar's own legacy restore
 * command cannot apply). Every chain restores file by file, directory mtimes and hard links included, with the
 * engine and with the legacy GNU tar command, and the snapshot file is the one GNU tar writes for the same tree.
 */
class EngineRenameRecordsTest {

    private static final String DS = "ds";

    @TempDir
    Path tmp;

    /** Level 0: {@code a/f1}, {@code a/s/f4}, {@code a/h1} (a hard link of {@code h2}), {@code b/f2}, {@code c/f3}. */
    private static void initialTree(Path ds) throws IOException {
        Trees.write(ds.resolve("a/f1"), "f1 in a\n");
        Trees.write(ds.resolve("a/s/f4"), "f4 in a/s\n");
        Trees.write(ds.resolve("b/f2"), "f2 in b\n");
        Trees.write(ds.resolve("b/t/f5"), "f5 in b/t\n");
        Trees.write(ds.resolve("c/f3"), "f3 in c\n");
        Trees.write(ds.resolve("c/x/f6"), "f6 in c/x\n");
        Trees.write(ds.resolve("h2"), "two names, one inode\n");
        Files.createLink(ds.resolve("a/h1"), ds.resolve("h2"));
    }

    private static void move(Path ds, String from, String to) throws IOException {
        Files.move(ds.resolve(from), ds.resolve(to));
    }

    /**
     * The moves, and whether the engine can record all of them (then level 1 holds no file); a move onto the name of
     * a file deleted in the same level is written as a new directory instead.
     */
    static Stream<Arguments> moves() {
        return Stream.of(
                Arguments.of("mv a x (rename01: a directory renamed, a hard link inside)", true,
                        (IoConsumer<Path>) ds -> move(ds, "a", "x")),
                Arguments.of("cycle of two (rename03's shuffle): mv a t && mv b a && mv t b", true,
                        (IoConsumer<Path>) ds -> {
                            move(ds, "a", "t");
                            move(ds, "b", "a");
                            move(ds, "t", "b");
                        }),
                Arguments.of("cycle of three: mv a t && mv b a && mv c b && mv t c", true,
                        (IoConsumer<Path>) ds -> {
                            move(ds, "a", "t");
                            move(ds, "b", "a");
                            move(ds, "c", "b");
                            move(ds, "t", "c");
                        }),
                Arguments.of("chain: mv a x && mv b a", true, (IoConsumer<Path>) ds -> {
                    move(ds, "a", "x");
                    move(ds, "b", "a");
                }),
                Arguments.of("chain GNU tar gets wrong: mv b x && mv a b", true, (IoConsumer<Path>) ds -> {
                    move(ds, "b", "x");
                    move(ds, "a", "b");
                }),
                Arguments.of("into a renamed directory: mv b a/b && mv a x", true, (IoConsumer<Path>) ds -> {
                    move(ds, "b", "a/b");
                    move(ds, "a", "x");
                }),
                Arguments.of("a directory moved into its own former child: mv a/s s && mv a s/a", true,
                        (IoConsumer<Path>) ds -> {
                            move(ds, "a/s", "s");
                            move(ds, "a", "s/a");
                        }),
                Arguments.of("renamed away, the name made new, a child moved back: mv a x && mkdir a && mv x/s a/s",
                        true, (IoConsumer<Path>) ds -> {
                            move(ds, "a", "x");
                            Files.createDirectory(ds.resolve("a"));
                            move(ds, "x/s", "a/s");
                        }),
                Arguments.of("the old name made a new directory holding what moved: mv b z && mkdir b && mv a b/a",
                        true, (IoConsumer<Path>) ds -> {
                            move(ds, "b", "z");
                            Files.createDirectory(ds.resolve("b"));
                            move(ds, "a", "b/a");
                        }),
                Arguments.of("onto a subdirectory deleted in the same level: rm -r c/x && mv a c/x", true,
                        (IoConsumer<Path>) ds -> {
                            Trees.deleteRecursively(ds.resolve("c/x"));
                            move(ds, "a", "c/x");
                        }),
                Arguments.of("onto a top directory deleted in the same level: rm -r b && mv a b", true,
                        (IoConsumer<Path>) ds -> {
                            Trees.deleteRecursively(ds.resolve("b"));
                            move(ds, "a", "b");
                        }),
                Arguments.of("onto a file deleted in the same level: rm h2 && mv a/s h2", false,
                        (IoConsumer<Path>) ds -> {
                            Files.delete(ds.resolve("h2"));
                            move(ds, "a/s", "h2");
                        }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("moves")
    void aMovedDirectoryCostsAListingAndRestoresWithEitherTool(String name, boolean recorded,
            IoConsumer<Path> change) throws Exception {
        Path dataRoot = tmp.resolve("data");
        Path backupRoot = tmp.resolve("backups");
        Path ds = dataRoot.resolve(DS);
        initialTree(ds);
        Engine engine = new Engine(EngineOptions.defaults(dataRoot, backupRoot).withStartTimeMargin(Duration.ZERO)
                .withLockTimeout(Duration.ofSeconds(30)));
        Path gnuSnar = tmp.resolve("gnu.snar");

        List<TreeSnapshot> levels = new ArrayList<>();
        List<Map<String, List<String>>> links = new ArrayList<>();
        List<BackupSummary> summaries = new ArrayList<>();
        List<IoConsumer<Path>> steps = List.of(d -> { }, change,
                d -> Files.writeString(d.resolve("c/f3").toFile().exists() ? d.resolve("c/f3") : d.resolve("h2"),
                        "changed at level 2\n"));
        for (IoConsumer<Path> step : steps) {
            step.accept(ds);
            Trees.tick(tmp);
            summaries.add(engine.backup(DS));
            // GNU tar on the same tree, with its own snapshot, to compare the snapshot files; not after level 2:
            // after a cycle of renames GNU tar 1.34's next snapshot lists subdirectories as files and drops them
            if (summaries.size() <= 2) {
                GnuTar.run(dataRoot, List.of("tar", "-cf", "/dev/null", "--listed-incremental=" + gnuSnar,
                        "./" + DS), false);
                assertEquals(snapshotRecords(gnuSnar), snapshotRecords(GnuTar.snar(backupRoot, DS, 0)),
                        name + ": the snapshot file after level " + (summaries.size() - 1));
            }
            assertIdentities(GnuTar.snar(backupRoot, DS, 0), dataRoot, name + ": level " + (summaries.size() - 1));
            levels.add(TreeSnapshot.of(ds));
            links.add(hardLinks(ds));
            Trees.tick(tmp);
        }
        List<String> level1 = GnuTar.list(GnuTar.archive(backupRoot, DS, 0, 1));
        if (recorded) {
            assertEquals(0, summaries.get(1).files(), name + ": level 1 holds no file: " + level1);
            assertTrue(level1.stream().anyMatch(l -> l.startsWith("R ./ds/")), name + ": rename records " + level1);
        } else {
            assertTrue(summaries.get(1).files() > 0, name + ": the directory is written as a new one: " + level1);
        }
        assertTrue(level1.stream().noneMatch(l -> l.startsWith("X ")), "the engine never writes X: " + level1);

        Path restoreRoot = Files.createDirectories(tmp.resolve("restore"));
        Engine restorer = new Engine(EngineOptions.defaults(restoreRoot, backupRoot));
        for (int level = 0; level < levels.size(); level++) {
            restorer.restore(DS, 0, level);
            TreeSnapshot.of(restoreRoot.resolve(DS)).assertSameAs(levels.get(level),
                    name + ": engine restore of level " + level);
            assertEquals(links.get(level), hardLinks(restoreRoot.resolve(DS)),
                    name + ": hard links of the engine restore of level " + level);

            Path gnu = tmp.resolve("gnu-restore-" + level);
            List<Path> archives = new ArrayList<>();
            for (int k = 0; k <= level; k++) {
                archives.add(GnuTar.archive(backupRoot, DS, 0, k));
            }
            GnuTar.legacyRestoreChain(gnu, archives);
            TreeSnapshot.of(gnu.resolve(DS)).assertSameAs(levels.get(level),
                    name + ": GNU tar restore of level " + level);
            assertEquals(links.get(level), hardLinks(gnu.resolve(DS)),
                    name + ": hard links of the GNU tar restore of level " + level);
        }
    }

    /** A file's names by inode, for the files with more than one name. */
    static Map<String, List<String>> hardLinks(Path root) throws IOException {
        Map<Object, List<String>> byInode = new java.util.HashMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
                if ((Integer) Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS) > 1) {
                    byInode.computeIfAbsent(Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS),
                            k -> new ArrayList<>()).add(root.relativize(p).toString());
                }
            }
        }
        Map<String, List<String>> groups = new TreeMap<>();
        for (List<String> names : byInode.values()) {
            List<String> sorted = new ArrayList<>(new TreeSet<>(names));
            groups.put(sorted.get(0), sorted);
        }
        return groups;
    }

    /**
     * The records of a snapshot file as GNU tar and the engine must agree on them: each directory's name, nfs flag
     * and entries, files as {@code F} and subdirectories as {@code D}. Device and inode are checked against the
     * directories themselves ({@link #assertIdentities}): GNU tar 1.34 records a stale inode for some renamed
     * directories (two names with one inode after {@code mv a x && mv b a}). Whether a file is
     * {@code Y} or {@code N} is left out: GNU tar writes again the files of a subdirectory of a renamed directory,
     * and everything in a new directory that holds a moved one, where the engine records them as unchanged. The
     * directory mtime is left out too: GNU tar keeps the one it first recorded for a directory it knows.
     */
    static Map<String, String> snapshotRecords(Path snar) throws IOException {
        SnapshotFile.Snapshot snapshot = SnapshotFile.read(snar);
        Map<String, String> records = new TreeMap<>();
        for (SnapshotFile.Directory d : snapshot.directories().values()) {
            StringBuilder entries = new StringBuilder();
            for (Listing.Item item : Listing.decode(d.listing())) {
                entries.append(item.code() == Listing.DIRECTORY ? 'D' : 'F').append(item.name()).append(' ');
            }
            records.put(d.name(), d.nfs() + " " + entries);
        }
        return records;
    }

    /** Every record of the engine's snapshot names a directory that has the recorded device and inode. */
    static void assertIdentities(Path snar, Path dataRoot, String context) throws IOException {
        for (SnapshotFile.Directory d : SnapshotFile.read(snar).directories().values()) {
            Path dir = dataRoot.resolve(d.name());
            assertEquals(d.device() + ":" + d.inode(), Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS)
                    + ":" + Files.getAttribute(dir, "unix:ino", LinkOption.NOFOLLOW_LINKS), context + ": " + d.name());
        }
    }

    /**
     * A file that could not be read at level 0 is listed but in no archive; level 1, after its directory was
     * renamed, lists it unchanged under the new name. The restore of level 1 keeps what level 0 had for it
     * (nothing), as for any file not taken, instead of refusing the chain.
     */
    @Test
    void aFileNotTakenInADirectoryRenamedAtTheNextLevelDoesNotFailTheRestore() throws Exception {
        Path dataRoot = tmp.resolve("data");
        Path ds = dataRoot.resolve(DS);
        Trees.write(ds.resolve("a/unreadable"), "could not be read at level 0\n");
        Trees.write(ds.resolve("a/readable"), "read\n");
        EngineOptions options = EngineOptions.defaults(dataRoot, tmp.resolve("backups"))
                .withStartTimeMargin(Duration.ZERO);
        FileContent failing = path -> {
            if (path.endsWith("unreadable")) {
                throw new java.nio.file.AccessDeniedException(path.toString());
            }
            return FileContent.DIRECT.open(path);
        };
        BackupSummary level0 = new Engine(options, failing).backup(DS);
        assertEquals(1, level0.notTakenCount(), "not taken at level 0: " + level0.notTaken());
        Trees.tick(tmp);
        move(ds, "a", "x");
        new Engine(options).backup(DS);

        Path restoreRoot = Files.createDirectories(tmp.resolve("restore"));
        new Engine(EngineOptions.defaults(restoreRoot, tmp.resolve("backups"))).restore(DS, 0, 1);
        assertEquals("read\n", Files.readString(restoreRoot.resolve(DS).resolve("x/readable")));
        assertTrue(Files.notExists(restoreRoot.resolve(DS).resolve("x/unreadable")),
                "a file no level holds is not restored");
    }

    /**
     * Engine level 0, GNU tar level 1 after {@code mv p r && mv q p} (its snapshot then gives {@code p} the inode of
     * {@code r}), engine level 2 after more moves: every level restores with both tools.
     */
    @Test
    void anEngineLevelAfterGnuTarRenamesDirectoriesIsNotMisledByItsStaleInodes() throws Exception {
        Path dataRoot = tmp.resolve("data");
        Path backupRoot = tmp.resolve("backups");
        Path ds = dataRoot.resolve(DS);
        Trees.write(ds.resolve("p/fp"), "fp\n");
        Trees.write(ds.resolve("q/fq"), "fq\n");
        Trees.write(ds.resolve("v/fv"), "fv\n");
        Engine engine = new Engine(EngineOptions.defaults(dataRoot, backupRoot).withStartTimeMargin(Duration.ZERO));
        List<TreeSnapshot> levels = new ArrayList<>();
        Trees.tick(tmp);
        engine.backup(DS);
        levels.add(TreeSnapshot.of(ds));
        Trees.tick(tmp);
        move(ds, "p", "r");
        move(ds, "q", "p");
        GnuTar.legacyLevel(backupRoot, dataRoot, DS, 0, 1);
        assertEquals(SnapshotFile.read(GnuTar.snar(backupRoot, DS, 0)).directories().get("./ds/p").inode(),
                SnapshotFile.read(GnuTar.snar(backupRoot, DS, 0)).directories().get("./ds/r").inode(),
                "GNU tar 1.34 records p with r's inode");
        levels.add(TreeSnapshot.of(ds));
        Trees.tick(tmp);
        move(ds, "v", "w");
        move(ds, "p", "v");
        move(ds, "r", "p");
        engine.backup(DS);
        levels.add(TreeSnapshot.of(ds));

        Path restoreRoot = Files.createDirectories(tmp.resolve("restore"));
        Engine restorer = new Engine(EngineOptions.defaults(restoreRoot, backupRoot));
        for (int level = 0; level < levels.size(); level++) {
            restorer.restore(DS, 0, level);
            TreeSnapshot.of(restoreRoot.resolve(DS)).assertSameAs(levels.get(level), "engine restore of " + level);
            Path gnu = tmp.resolve("gnu-restore-" + level);
            List<Path> archives = new ArrayList<>();
            for (int k = 0; k <= level; k++) {
                archives.add(GnuTar.archive(backupRoot, DS, 0, k));
            }
            GnuTar.legacyRestoreChain(gnu, archives);
            TreeSnapshot.of(gnu.resolve(DS)).assertSameAs(levels.get(level), "GNU tar restore of " + level);
        }
    }

    /** A directory of the previous level under a parent that is now a file is gone, not an error. */
    @Test
    void aParentReplacedByAFileNextToAMoveIsBackedUpAndRestored() throws Exception {
        Path dataRoot = tmp.resolve("data");
        Path ds = dataRoot.resolve(DS);
        initialTree(ds);
        Engine engine = new Engine(EngineOptions.defaults(dataRoot, tmp.resolve("backups"))
                .withStartTimeMargin(Duration.ZERO));
        engine.backup(DS);
        Trees.tick(tmp);
        Trees.deleteRecursively(ds.resolve("a"));
        Trees.write(ds.resolve("a"), "a file where a directory with a subdirectory was\n");
        move(ds, "b", "x");
        BackupSummary level1 = engine.backup(DS);
        // the new file a, and h2, whose other name a/h1 was deleted (its ctime moved); b's files are unchanged
        assertEquals(2, level1.files(), "only the new file and h2: " + level1);
        TreeSnapshot expected = TreeSnapshot.of(ds);
        Path restoreRoot = Files.createDirectories(tmp.resolve("restore"));
        new Engine(EngineOptions.defaults(restoreRoot, tmp.resolve("backups"))).restore(DS, 0, 1);
        TreeSnapshot.of(restoreRoot.resolve(DS)).assertSameAs(expected, "restore of level 1");
    }

    @Test
    void aRenamedDirectoryIsReadAsAListingNotItsContent() throws Exception {
        Path dataRoot = tmp.resolve("data");
        Path ds = dataRoot.resolve(DS);
        for (int i = 0; i < 20; i++) {
            Trees.write(ds.resolve("big/f" + i), Trees.randomBytes(i, 50_000));
        }
        EngineOptions options = EngineOptions.defaults(dataRoot, tmp.resolve("backups"))
                .withStartTimeMargin(Duration.ZERO);
        new Engine(options).backup(DS);
        Trees.tick(tmp);
        move(ds, "big", "moved");
        ArchiverTest.CountingContent read = new ArchiverTest.CountingContent(ds);
        BackupSummary level1 = new Engine(options, read).backup(DS);
        assertEquals(new TreeSet<>(), new TreeSet<>(read.opened), "files read at level 1");
        assertTrue(level1.archiveBytes() < 2_000, "level 1 is a listing: " + level1.archiveBytes() + " bytes");
    }
}
