package org.aiod.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.aiod.backup.engine.testing.TreeSnapshot;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restore, verify and prune report their progress as a backup does (issue #12, point 1): the listener is told the
 * totals before the first thing done, and what is done reaches them when the run ends. Real backups of a real tree.
 */
class RunProgressTest {

    private static final String DS = "x";

    @TempDir
    Path tmp;

    private Path data;
    private Path backups;
    private Path dataset;
    private Engine engine;

    @BeforeEach
    void roots() throws IOException {
        data = Files.createDirectories(tmp.resolve("data"));
        backups = tmp.resolve("backups");
        dataset = data.resolve(DS);
        Trees.write(dataset.resolve("top.txt"), "top");
        Trees.write(dataset.resolve("d/big.bin"), Trees.randomBytes(3, 512 << 10));
        for (int i = 0; i < 40; i++) {
            Trees.write(dataset.resolve("many/f" + i), "file " + i);
        }
        engine = new Engine(EngineOptions.defaults(data, backups).withCycleLength(2));
    }

    /** Every call the engine made, in order. */
    static final class Recording implements ProgressListener {
        final List<String> calls = new ArrayList<>();
        long totalFiles = -1;
        long totalBytes = -1;
        long toRead = -1;
        long read;
        long files;
        long removedFiles;
        long removedBytes;
        boolean doneBeforeTotals;

        @Override
        public void totals(long f, long b, boolean estimate) {
            calls.add("totals");
            totalFiles = f;
            totalBytes = b;
        }

        @Override
        public void toRead(long archiveBytes) {
            calls.add("toRead");
            toRead = archiveBytes;
        }

        @Override
        public void read(long archiveBytes) {
            doneBeforeTotals |= toRead < 0;
            read += archiveBytes;
        }

        @Override
        public void file(String path, long bytes) {
            doneBeforeTotals |= toRead < 0 && totalBytes < 0;
            files++;
        }

        @Override
        public void removed(long cycle, long f, long b) {
            doneBeforeTotals |= totalBytes < 0;
            calls.add("removed " + cycle);
            removedFiles += f;
            removedBytes += b;
        }
    }

    @Test
    void restoreIsToldTheArchiveBytesToReadFirstAndReadsThemAll() throws Exception {
        engine.backup(DS);
        Trees.write(dataset.resolve("top.txt"), "changed at level 1");
        engine.backup(DS);
        TreeSnapshot expected = TreeSnapshot.of(dataset);
        long archiveBytes = archiveBytes(0);
        Recording progress = new Recording();

        RestoreSummary summary = engine.restore(new RestoreSpec(DS, 0, 1).withTarget(tmp.resolve("out")), progress);

        TreeSnapshot.of(tmp.resolve("out")).assertSameAs(expected, "the restored level");
        assertFalse(progress.doneBeforeTotals, "a file or a read was reported before the totals");
        assertEquals(archiveBytes, progress.toRead, "the total is the chain's archives' sizes on disk");
        assertEquals(archiveBytes, progress.read, "every byte of the archives is read by the end");
        assertEquals(summary.files(), progress.files);
        assertTrue(progress.files > 40, "every file member extracted is counted: " + progress.files);
    }

    @Test
    void checksumVerifyIsToldEveryArchiveByteFirstAndReadsThemAll() throws Exception {
        for (int i = 0; i < 3; i++) {
            Trees.write(dataset.resolve("top.txt"), "round " + i);
            engine.backup(DS); // cycle 0 levels 0-1, cycle 1 level 0
        }
        long archiveBytes = archiveBytes(0) + archiveBytes(1);
        Recording progress = new Recording();

        VerifySummary summary = engine.verify(DS, VerifyDepth.CHECKSUMS, progress);

        assertEquals(3, summary.checks().size());
        assertFalse(progress.doneBeforeTotals);
        assertEquals(archiveBytes, progress.toRead);
        assertEquals(archiveBytes, progress.read);
    }

    @Test
    void drillIsToldItsChainTwiceFirstAndReadsItTwice() throws Exception {
        engine.backup(DS);
        Trees.write(dataset.resolve("top.txt"), "changed at level 1");
        engine.backup(DS);
        long chainBytes = archiveBytes(0);
        Recording progress = new Recording();

        VerifySummary summary = engine.verify(DS, VerifyDepth.DRILL, progress);

        assertTrue(summary.drill().passed(), () -> summary.drill().problems().toString());
        assertFalse(progress.doneBeforeTotals);
        assertEquals(2 * chainBytes, progress.toRead, "checked, then restored");
        assertEquals(2 * chainBytes, progress.read);
        assertTrue(progress.files > 40, "the drill's extracted files are counted: " + progress.files);
    }

    @Test
    void pruneIsToldTheFilesAndBytesToRemoveFirstAndRemovesThemAll() throws Exception {
        for (int i = 0; i < 5; i++) {
            Trees.write(dataset.resolve("top.txt"), "round " + i);
            engine.backup(DS); // cycles 0, 1 with levels 0-1, cycle 2 with level 0
        }
        long[] cycle0 = content(0);
        long[] cycle1 = content(1);
        Recording progress = new Recording();

        PruneSummary summary = engine.prune(DS, new RetentionPolicy(1, null, 0, 0, 0, ZoneOffset.UTC), false,
                progress);

        assertEquals(2, summary.removed().size());
        assertFalse(progress.doneBeforeTotals);
        assertEquals(List.of("totals", "removed 0", "removed 1"), progress.calls);
        assertEquals(cycle0[0] + cycle1[0], progress.totalFiles);
        assertEquals(cycle0[1] + cycle1[1], progress.totalBytes);
        assertEquals(progress.totalFiles, progress.removedFiles);
        assertEquals(progress.totalBytes, progress.removedBytes);
        assertEquals(summary.bytesFreed(), progress.removedBytes);
    }

    @Test
    void aDryPruneReportsNothingToRemove() throws Exception {
        for (int i = 0; i < 3; i++) {
            engine.backup(DS);
        }
        Recording progress = new Recording();

        engine.prune(DS, new RetentionPolicy(1, null, 0, 0, 0, ZoneOffset.UTC), true, progress);

        assertEquals(List.of(), progress.calls, "a dry run removes nothing: no totals, no removals");
    }

    private Path cycleDir(long cycle) {
        return backups.resolve(DS).resolve(DS + "_" + cycle);
    }

    private long archiveBytes(long cycle) throws IOException {
        try (Stream<Path> files = Files.list(cycleDir(cycle))) {
            long total = 0;
            for (Path file : files.filter(f -> f.getFileName().toString().contains(".tar.")).toList()) {
                total += Files.size(file);
            }
            assertTrue(total > 0, "cycle " + cycle + " has archives");
            return total;
        }
    }

    /** {files, bytes} of the regular files under a cycle directory. */
    private long[] content(long cycle) throws IOException {
        try (Stream<Path> files = Files.walk(cycleDir(cycle))) {
            long[] content = {0, 0};
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                content[0]++;
                content[1] += Files.size(file);
            }
            return content;
        }
    }
}
