package org.aiod.backup.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
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

/** Which files go into a level, proven by what the backup actually reads, and files that change while read. */
class ArchiverTest {

    @TempDir
    Path tmp;

    /** Records every file the backup opens, relative to the dataset, as restic's counting file system does. */
    static final class CountingContent implements FileContent {
        final Set<String> opened = ConcurrentHashMap.newKeySet();
        private final Path datasetDir;

        CountingContent(Path datasetDir) {
            this.datasetDir = datasetDir;
        }

        @Override
        public InputStream open(Path path) throws IOException {
            opened.add(datasetDir.relativize(path).toString());
            return FileContent.DIRECT.open(path);
        }
    }

    static Stream<Arguments> changes() {
        return Stream.of(
                change("unchanged", d -> { }, Set.of()),
                change("content rewritten", d -> Trees.write(d.resolve("dir/f"), "new content"), Set.of("dir/f")),
                change("mtime touched only", d -> Trees.setMtime(d.resolve("dir/f"), 2_000_000_000L),
                        Set.of("dir/f")),
                change("chmod only", d -> Trees.chmod(d.resolve("dir/f"), "rw-------"), Set.of("dir/f")),
                change("content changed, mtime set back", d -> {
                    long mtime = Trees.mtime(d.resolve("dir/f"));
                    Trees.write(d.resolve("dir/f"), "F-content");
                    Trees.setMtime(d.resolve("dir/f"), mtime);
                }, Set.of("dir/f")),
                change("renamed", d -> Files.move(d.resolve("dir/f"), d.resolve("dir/g")), Set.of("dir/g")),
                change("new file", d -> Trees.write(d.resolve("dir/h"), "h"), Set.of("dir/h")),
                change("deleted", d -> Files.delete(d.resolve("dir/f")), Set.of()),
                // issue #16: the engine records the rename as GNU tar does, so the moved files are not read again
                change("directory renamed", d -> Files.move(d.resolve("dir"), d.resolve("moved")), Set.of()),
                change("directory replaced by a new one of the same name", d -> {
                    Trees.deleteRecursively(d.resolve("dir"));
                    Trees.write(d.resolve("dir/f"), "f-content");
                }, Set.of("dir/f")),
                change("sibling changed", d -> Trees.write(d.resolve("keep"), "changed"), Set.of("keep")));
    }

    private static Arguments change(String name, IoConsumer<Path> mutation, Set<String> expectedRead) {
        return Arguments.of(name, mutation, expectedRead);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("changes")
    void levelOneReadsExactlyTheChangedFiles(String name, IoConsumer<Path> mutation, Set<String> expectedRead)
            throws IOException {
        Path data = tmp.resolve("data");
        Path dataset = data.resolve("x");
        Trees.write(dataset.resolve("dir/f"), "f-content");
        Trees.write(dataset.resolve("dir/other"), "other");
        Trees.write(dataset.resolve("keep"), "keep");
        EngineOptions options = EngineOptions.defaults(data, tmp.resolve("backups")).withStartTimeMargin(Duration.ZERO);
        CountingContent level0 = new CountingContent(dataset);
        new Engine(options, level0).backup("x");
        assertEquals(Set.of("dir/f", "dir/other", "keep"), level0.opened, "level 0 reads everything");
        Trees.tick(tmp);

        mutation.accept(dataset);
        TreeSnapshot expected = TreeSnapshot.of(dataset);
        CountingContent level1 = new CountingContent(dataset);
        BackupSummary summary = new Engine(options, level1).backup("x");

        assertEquals(new TreeSet<>(expectedRead), new TreeSet<>(level1.opened), name + ": files read by level 1");
        assertEquals(expectedRead.size(), summary.files(), name + ": files in the summary");
        Path restored = Files.createDirectories(tmp.resolve("restored"));
        new Engine(EngineOptions.defaults(restored, tmp.resolve("backups"))).restore("x", 0, 1);
        TreeSnapshot.of(restored.resolve("x")).assertSameAs(expected, name);
    }

    @Test
    void theDefaultMarginWritesAFileChangedJustBeforeTheLevelAgainRatherThanMissIt() throws IOException {
        Path data = tmp.resolve("data");
        Path dataset = data.resolve("x");
        Trees.write(dataset.resolve("f"), "f");
        EngineOptions options = EngineOptions.defaults(data, tmp.resolve("backups"));
        new Engine(options).backup("x");
        // no tick: whatever the coarse file system clock says, a change right after a level is never missed
        Trees.write(dataset.resolve("f"), "changed at once");
        CountingContent level1 = new CountingContent(dataset);
        new Engine(options, level1).backup("x");
        assertEquals(Set.of("f"), level1.opened);
    }

    @Test
    void filesThatChangeOrVanishWhileReadAreWarningsAndTheArchiveStaysValid() throws IOException {
        Path data = tmp.resolve("data");
        Path dataset = data.resolve("x");
        byte[] grow = Trees.randomBytes(1, 200_000);
        byte[] shrink = Trees.randomBytes(2, 200_000);
        Trees.write(dataset.resolve("grow.bin"), grow);
        Trees.write(dataset.resolve("shrink.bin"), shrink);
        Trees.write(dataset.resolve("touched.txt"), "same size");
        Trees.write(dataset.resolve("vanishes.txt"), "soon gone");
        Trees.write(dataset.resolve("steady.txt"), "steady");
        Map<String, IoConsumer<Path>> duringRead = Map.of(
                "grow.bin", p -> Files.write(p, new byte[1000], StandardOpenOption.APPEND),
                "shrink.bin", p -> {
                    try (FileChannel channel = FileChannel.open(p, StandardOpenOption.WRITE)) {
                        channel.truncate(100_000);
                    }
                },
                "touched.txt", p -> Trees.setMtime(p, 1_000_000_000L));
        FileContent changing = path -> new FilterInputStream(FileContent.DIRECT.open(path)) {
            private boolean changed;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, Math.min(len, 4096));
                if (!changed && duringRead.containsKey(path.getFileName().toString())) {
                    changed = true;
                    duringRead.get(path.getFileName().toString()).accept(path);
                }
                return n;
            }
        };
        ProgressListener deleteBetweenPasses = new ProgressListener() {
            @Override
            public void phase(Phase phase) {
                if (phase == Phase.DIRECTORIES_WRITTEN) {
                    try {
                        Files.delete(dataset.resolve("vanishes.txt"));
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                }
            }
        };

        BackupSummary summary = new Engine(EngineOptions.defaults(data, tmp.resolve("backups")), changing)
                .backup("x", deleteBetweenPasses);

        assertEquals(4, summary.warnings().size(), summary.warnings().toString());
        for (String file : List.of("grow.bin", "shrink.bin", "touched.txt")) {
            assertTrue(summary.warnings().stream().anyMatch(w -> w.startsWith(file + ": file changed as we read it")),
                    file + " in " + summary.warnings());
        }
        assertTrue(summary.warnings().contains("vanishes.txt: file removed before we read it"),
                summary.warnings().toString());

        Path gnu = Files.createDirectories(tmp.resolve("gnu"));
        GnuTar.legacyRestore(gnu, summary.archive());
        assertArrayEquals(grow, Files.readAllBytes(gnu.resolve("x/grow.bin")), "cut at the size it had when read");
        byte[] padded = Arrays.copyOf(Arrays.copyOf(shrink, 100_000), 200_000);
        assertArrayEquals(padded, Files.readAllBytes(gnu.resolve("x/shrink.bin")), "padded with zeros");
        assertEquals("steady", Files.readString(gnu.resolve("x/steady.txt")));
        assertTrue(Files.notExists(gnu.resolve("x/vanishes.txt")));

        Path restored = Files.createDirectories(tmp.resolve("restored"));
        new Engine(EngineOptions.defaults(restored, tmp.resolve("backups"))).restore("x", 0, null);
        TreeSnapshot.of(gnu.resolve("x")).ignoringDirectoryMtimes()
                .assertSameAs(TreeSnapshot.of(restored.resolve("x")).ignoringDirectoryMtimes(), "engine = GNU tar");
    }
}
