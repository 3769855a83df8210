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
import java.util.Map;
import java.util.stream.Stream;

import org.aiod.backup.engine.testing.ChangeScenario.IoConsumer;
import org.aiod.backup.engine.testing.GnuTar;
import org.aiod.backup.engine.testing.TreeSnapshot;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * GNU tar's own tests of {@code --listed-incremental} ({@code tests/*.at} of GNU tar's public test suite),
 * re-expressed over real trees in the legacy layout: the directory GNU tar's test archives ({@code foo},
 * {@code directory}, {@code tart}, ...) is the dataset {@code ds}, or a directory inside it when the test renames
 * that directory itself (a dataset directory is never renamed). Each scenario names its {@code .at} file and runs
 * three ways: the engine writes and GNU tar's legacy command restores, the engine writes and restores, GNU tar's
 * legacy command writes and the engine restores. Every level is compared file by file with the tree captured
 * after it was written (types, modes, mtimes of files and directories, content, symlink targets) and by hard-link
 * identity.
 *
 * <p>Not ported: {@code incr05}, {@code incr06}, {@code incr08}, {@code incr09} (several {@code -C} arguments or
 * command-line members in one archive), {@code incr10} and the concatenation of {@code incr11} ({@code tar -A}):
 * the legacy layout has one {@code ./<dataset>} argument and one archive per level. {@code incr11}'s change of the
 * tree is ported. {@code link01} is GNU tar's hard-link test; here its two names of one inode are followed by the
 * directory holding one of them renamed (issue #16).
 */
class GnuTarIncrementalSuiteTest {

    private static final String DS = "ds";

    enum Way {
        ENGINE_WRITES_GNU_TAR_RESTORES, ENGINE_WRITES_ENGINE_RESTORES, GNU_TAR_WRITES_ENGINE_RESTORES
    }

    /**
     * One ported test.
     *
     * @param at               the {@code .at} file of GNU tar's test suite it comes from
     * @param initial          the tree of level 0
     * @param steps            one change per further level
     * @param gnuTarBreaksAt   the level at which GNU tar 1.34 writes rename records that cannot be applied (the
     *                         engine must refuse that level with {@code CORRUPT_ARCHIVE}), or -1
     */
    record Scenario(String at, IoConsumer<Path> initial, List<IoConsumer<Path>> steps, int gnuTarBreaksAt) {
        @Override
        public String toString() {
            return at;
        }
    }

    @TempDir
    Path tmp;

    private static void write(Path ds, String rel) throws IOException {
        Trees.write(ds.resolve(rel), "content of " + rel + "\n");
    }

    private static void move(Path ds, String from, String to) throws IOException {
        Files.move(ds.resolve(from), ds.resolve(to));
    }

    static List<Scenario> scenarios() {
        List<Scenario> all = new ArrayList<>();
        all.add(new Scenario("incremental.at", ds -> write(ds, "file"), List.of(
                ds -> { },
                ds -> Files.writeString(ds.resolve("file"), "y\n")), -1));
        all.add(new Scenario("incr01.at (broken symlink removed)", ds -> Trees.symlink(ds.resolve("bar"), "foo"),
                List.of(ds -> Files.delete(ds.resolve("bar"))), -1));
        all.add(new Scenario("incr02.at (directory mtimes restored)", ds -> {
            Trees.mkdirs(ds.resolve("subdir2"));
            Trees.write(ds.resolve("subdir1/file"), "0123456789");
            Trees.setMtime(ds.resolve("subdir1"), 1_600_000_000L);
        }, List.of(ds -> write(ds, "subdir2/new")), -1));
        all.add(new Scenario("incr03.at (file renamed)", ds -> {
            write(ds, "x");
            write(ds, "y");
        }, List.of(ds -> move(ds, "x", "z")), -1));
        all.add(new Scenario("incr04.at (a directory of 142 long names renamed)", ds -> {
            for (int i = 1; i <= 142; i++) {
                write(ds, String.format("b/one_31_chars_long_file_name_%03d", i));
            }
        }, List.of(ds -> move(ds, "b", "c")), -1));
        all.add(new Scenario("incr07.at (unchanged level, then a file deleted)", ds -> {
            write(ds, "dirA/a");
            write(ds, "dirA/b");
        }, List.of(ds -> { }, ds -> Files.delete(ds.resolve("dirA/a"))), -1));
        all.add(new Scenario("incr11.at (directory renamed; without tar -A)", ds -> write(ds, "dir/file"),
                List.of(ds -> move(ds, "dir", "dir2")), -1));
        all.add(new Scenario("listed02.at", ds -> {
            for (String f : List.of("a1", "b1", "c0/cq1", "c0/cq2", "c1/ca1", "c1/ca2")) {
                write(ds, f);
            }
        }, List.of(ds -> {
            Files.delete(ds.resolve("a1"));
            move(ds, "b1", "b2");
            move(ds, "c1", "c2");
            write(ds, "c2/ca3");
        }), -1));
        all.add(new Scenario("rename01.at", ds -> {
            write(ds, "file1");
            write(ds, "file2");
            write(ds, "bar/file");
        }, List.of(ds -> move(ds, "bar", "baz")), -1));
        all.add(new Scenario("rename02.at", ds -> {
            write(ds, "file1");
            write(ds, "file2");
            write(ds, "bar/file.r");
            write(ds, "bar/baz/file.z");
        }, List.of(ds -> move(ds, "bar/baz", "baz")), -1));
        all.add(new Scenario("rename03.at (a cycle of three, broken with X)", ds -> {
            write(ds, "file1");
            write(ds, "file2");
            write(ds, "a/filea");
            write(ds, "b/fileb");
            write(ds, "c/filec");
        }, List.of(ds -> {
            move(ds, "a", "tmp");
            move(ds, "c", "a");
            move(ds, "b", "c");
            move(ds, "tmp", "b");
        }), -1));
        // the other direction of rename03's cycle: GNU tar 1.34 writes its records twice (GnuTarRenameRecordsTest)
        all.add(new Scenario("rename03.at, the cycle the other way (GNU tar writes its records twice)", ds -> {
            write(ds, "a/filea");
            write(ds, "b/fileb");
            write(ds, "c/filec");
        }, List.of(ds -> {
            move(ds, "a", "tmp");
            move(ds, "b", "a");
            move(ds, "c", "b");
            move(ds, "tmp", "c");
        }), 1));
        all.add(new Scenario("rename04.at (the renamed directory inside the dataset)", ds -> {
            Trees.mkdirs(ds.resolve("directory/subdir"));
            write(ds, "directory/file");
        }, List.of(ds -> move(ds, "directory", "dir")), -1));
        all.add(new Scenario("rename05.at", ds -> {
            Trees.mkdirs(ds.resolve("directory/subdir"));
            write(ds, "directory/file");
        }, List.of(ds -> {
            move(ds, "directory/subdir", "directory/subdir.0");
            move(ds, "directory", "dir");
        }), -1));
        all.add(new Scenario("rename06.at (chained renames)", ds -> {
            write(ds, "d1/file1");
            write(ds, "d2/file2");
        }, List.of(ds -> {
            write(ds, "d2/file3");
            move(ds, "d1", "d3");
            move(ds, "d2", "d1");
        }), -1));
        all.add(new Scenario("chtype.at (directory replaced by a file)", ds -> {
            write(ds, "b/c/x");
            write(ds, "a/a");
        }, List.of(ds -> {
            Trees.deleteRecursively(ds.resolve("b"));
            write(ds, "b");
            write(ds, "a/b");
        }), -1));
        all.add(new Scenario("link01.at (two names of one inode, then the directory of one renamed)", ds -> {
            Trees.write(ds.resolve("test1/test.txt"), "TEST\n");
            Trees.mkdirs(ds.resolve("test2"));
            Files.createLink(ds.resolve("test2/test.txt"), ds.resolve("test1/test.txt"));
        }, List.of(ds -> move(ds, "test2", "test3")), -1));
        return all;
    }

    static Stream<Arguments> cases() {
        return scenarios().stream().flatMap(s -> Stream.of(Way.values()).map(w -> Arguments.of(s, w)));
    }

    @ParameterizedTest(name = "{0} / {1}")
    @MethodSource("cases")
    void everyLevelRestoresAsItWasWritten(Scenario scenario, Way way) throws Exception {
        Path dataRoot = tmp.resolve("data");
        Path backupRoot = tmp.resolve("backups");
        Path ds = dataRoot.resolve(DS);
        Trees.mkdirs(ds);
        scenario.initial().accept(ds);
        boolean engineWrites = way != Way.GNU_TAR_WRITES_ENGINE_RESTORES;
        // no start-time margin, as GNU tar: files written just before a level must count as unchanged at the next
        // one, or a renamed directory's files would be written again for that reason alone (Trees.tick keeps it safe)
        Engine writer = new Engine(EngineOptions.defaults(dataRoot, backupRoot).withStartTimeMargin(Duration.ZERO)
                .withLockTimeout(Duration.ofSeconds(30)));

        List<TreeSnapshot> trees = new ArrayList<>();
        List<Map<String, List<String>>> links = new ArrayList<>();
        List<Path> archives = new ArrayList<>();
        for (int level = 0; level <= scenario.steps().size(); level++) {
            if (level > 0) {
                scenario.steps().get(level - 1).accept(ds);
            }
            Trees.tick(tmp);
            if (engineWrites) {
                archives.add(writer.backup(DS).archive());
            } else {
                archives.add(GnuTar.legacyLevel(backupRoot, dataRoot, DS, 0, level));
            }
            trees.add(TreeSnapshot.of(ds));
            links.add(EngineRenameRecordsTest.hardLinks(ds));
            Trees.tick(tmp);
        }

        Path restoreRoot = Files.createDirectories(tmp.resolve("restore"));
        Engine restorer = new Engine(EngineOptions.defaults(restoreRoot, backupRoot)
                .withLockTimeout(Duration.ofSeconds(30)));
        for (int level = 0; level < trees.size(); level++) {
            String context = scenario.at() + " / " + way + ": level " + level;
            Path restored;
            if (way == Way.ENGINE_WRITES_GNU_TAR_RESTORES) {
                restored = tmp.resolve("gnu-restore-" + level);
                GnuTar.legacyRestoreChain(restored, archives.subList(0, level + 1));
                restored = restored.resolve(DS);
            } else if (!engineWrites && scenario.gnuTarBreaksAt() >= 0 && level >= scenario.gnuTarBreaksAt()) {
                // GNU tar wrote records that cannot be applied: refused, the dataset as the last level left it
                TreeSnapshot before = TreeSnapshot.of(restoreRoot.resolve(DS));
                int refusedLevel = level;
                BackupException.CorruptArchive refused = assertThrows(BackupException.CorruptArchive.class,
                        () -> restorer.restore(DS, 0, refusedLevel), context);
                assertEquals("CORRUPT_ARCHIVE", refused.code());
                TreeSnapshot.of(restoreRoot.resolve(DS)).assertSameAs(before, context + ": refused, untouched");
                continue;
            } else {
                restorer.restore(DS, 0, level);
                restored = restoreRoot.resolve(DS);
            }
            TreeSnapshot.of(restored).assertSameAs(trees.get(level), context);
            assertEquals(links.get(level), EngineRenameRecordsTest.hardLinks(restored), context + ": hard links");
        }
        assertTrue(trees.size() == scenario.steps().size() + 1);
    }
}
