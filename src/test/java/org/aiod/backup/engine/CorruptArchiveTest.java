package org.aiod.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import org.aiod.backup.engine.testing.TreeSnapshot;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged archives: a restore that meets one fails with {@code CORRUPT_ARCHIVE} naming the archive, before the
 * dataset is touched; levels before the damage still restore.
 */
class CorruptArchiveTest {

    private static final String DS = "x";

    @TempDir
    Path tmp;

    private Path dataRoot;
    private Path backupRoot;
    private Path datasetDir;
    private Path cycle0;
    private Engine engine;
    /** The dataset as each level 0, 1, 2 saw it. */
    private final List<TreeSnapshot> levels = new ArrayList<>();
    /** The dataset after the backups, changed since the last one. */
    private TreeSnapshot current;

    @BeforeEach
    void threeLevels() throws IOException {
        dataRoot = tmp.resolve("data");
        backupRoot = tmp.resolve("backups");
        datasetDir = dataRoot.resolve(DS);
        cycle0 = backupRoot.resolve(DS).resolve(DS + "_0");
        engine = new Engine(EngineOptions.defaults(dataRoot, backupRoot));

        Trees.write(datasetDir.resolve("a.txt"), "alpha\n");
        Trees.write(datasetDir.resolve("big0.bin"), Trees.randomBytes(0, 48 * 1024));
        Trees.write(datasetDir.resolve("dir/b.txt"), "beta\n");
        backupLevel(0);

        Trees.write(datasetDir.resolve("a.txt"), "alpha, changed at level 1\n");
        Trees.write(datasetDir.resolve("big1.bin"), Trees.randomBytes(1, 48 * 1024));
        Files.delete(datasetDir.resolve("dir/b.txt"));
        backupLevel(1);

        Trees.write(datasetDir.resolve("big2.bin"), Trees.randomBytes(2, 48 * 1024));
        Trees.write(datasetDir.resolve("dir2/c.txt"), "gamma\n");
        Files.delete(datasetDir.resolve("big0.bin"));
        backupLevel(2);

        Trees.write(datasetDir.resolve("after.txt"), "written after the last backup\n");
        current = TreeSnapshot.of(datasetDir);
        for (int level = 1; level < levels.size(); level++) {
            assertFalse(levels.get(level).differencesFrom(levels.get(level - 1)).isEmpty());
        }
    }

    private void backupLevel(int expectedLevel) throws IOException {
        BackupSummary summary = engine.backup(DS);
        assertEquals(0, summary.cycle());
        assertEquals(expectedLevel, summary.level());
        levels.add(TreeSnapshot.of(datasetDir));
        Trees.tick(tmp);
    }

    @Test
    void flippedByteInTheMiddleIsRefusedAndEarlierLevelsStillRestore() throws IOException {
        Path x1 = cycle0.resolve("x1.tar.gz");
        flipByte(x1, Files.size(x1) / 2);

        assertRefused(0, 1, "x1.tar.gz");
        assertRefused(0, 2, "x1.tar.gz");
        assertRefused(0, null, "x1.tar.gz");

        assertRestores(0, 0);
    }

    @Test
    void truncatedArchiveIsRefusedAndEarlierLevelsStillRestore() throws IOException {
        Path x2 = cycle0.resolve("x2.tar.gz");
        truncateToHalf(x2);

        assertRefused(0, 2, "x2.tar.gz");
        assertRefused(0, null, "x2.tar.gz");

        assertRestores(0, 1);
        assertRestores(0, 0);
    }

    @Test
    void damageGzipCannotSeeIsCaughtBySha256Sums() throws IOException {
        Path x1 = cycle0.resolve("x1.tar.gz");
        flipByte(x1, 5); // the gzip header's MTIME field (bytes 4..7): no CRC covers it
        try (InputStream in = new GZIPInputStream(Files.newInputStream(x1))) {
            in.transferTo(OutputStream.nullOutputStream()); // gzip itself still reads it without complaint
        }

        BackupException.CorruptArchive e = assertRefused(0, 1, "x1.tar.gz");
        assertTrue(e.getMessage().contains("SHA256SUMS"), () -> "should mention SHA256SUMS: " + e.getMessage());
        assertRefused(0, 2, "x1.tar.gz");

        assertRestores(0, 0);
    }

    @Test
    void legacyCycleWithoutChecksumsRefusesTruncatedArchiveAndWarnsAboutUnverifiedLevels() throws IOException {
        Path cycle9 = Files.createDirectories(backupRoot.resolve(DS).resolve(DS + "_9"));
        for (String name : List.of("x0.tar.gz", "x1.tar.gz", "x2.tar.gz", "x.snar")) {
            Files.copy(cycle0.resolve(name), cycle9.resolve(name), StandardCopyOption.COPY_ATTRIBUTES);
        }
        assertFalse(Files.exists(cycle9.resolve("SHA256SUMS")));
        truncateToHalf(cycle9.resolve("x2.tar.gz"));
        CycleInfo legacy = engine.cycles(DS).stream().filter(c -> c.cycle() == 9).findFirst().orElseThrow();
        assertEquals(3, legacy.levels().size());
        legacy.levels().forEach(level -> assertNull(level.sha256(), "a checksum for " + level));

        assertRefused(9, 2, "x2.tar.gz");
        assertRefused(9, null, "x2.tar.gz");

        RestoreSummary summary = assertRestores(9, 1);
        for (String name : List.of("x0.tar.gz", "x1.tar.gz")) {
            assertTrue(summary.warnings().stream().anyMatch(w -> w.contains(name) && w.contains("CRC only")),
                    () -> "no warning that " + name + " was verified by its CRC only: " + summary.warnings());
        }
        assertEquals(2, summary.warnings().size(), () -> "warnings: " + summary.warnings());

        RestoreSummary verified = assertRestores(0, 2);
        assertEquals(List.of(), verified.warnings(), "levels listed in SHA256SUMS restore without warnings");
    }

    @Test
    void deletingSha256SumsLeavesLevelsRestorableButUnverified() throws IOException {
        Files.delete(cycle0.resolve("SHA256SUMS"));
        truncateToHalf(cycle0.resolve("x2.tar.gz"));

        assertRefused(0, 2, "x2.tar.gz");
        RestoreSummary summary = assertRestores(0, 1);
        assertEquals(2, summary.warnings().size(), () -> "warnings: " + summary.warnings());
        assertTrue(summary.warnings().stream().allMatch(w -> w.contains("CRC only")), summary.warnings()::toString);
    }

    @Test
    void sha256sumVerifiesTheCycleByHand() throws Exception {
        Result intact = sha256sumCheck(cycle0);
        assertEquals(0, intact.exit(), intact.output());
        assertEquals(List.of("x0.tar.gz: OK", "x1.tar.gz: OK", "x2.tar.gz: OK"), intact.output().lines().toList());

        Path x1 = cycle0.resolve("x1.tar.gz");
        flipByte(x1, Files.size(x1) / 2);

        Result damaged = sha256sumCheck(cycle0);
        assertNotEquals(0, damaged.exit(), damaged.output());
        assertTrue(damaged.output().lines().toList().containsAll(List.of("x0.tar.gz: OK", "x1.tar.gz: FAILED",
                "x2.tar.gz: OK")), damaged.output());
    }

    private BackupException.CorruptArchive assertRefused(long cycle, Integer level, String archiveName)
            throws IOException {
        BackupException.CorruptArchive e = assertThrows(BackupException.CorruptArchive.class,
                () -> engine.restore(DS, cycle, level), "restore of cycle " + cycle + " level " + level);
        assertEquals("CORRUPT_ARCHIVE", e.code());
        assertTrue(e.getMessage().contains(archiveName),
                () -> "the message should name " + archiveName + ": " + e.getMessage());
        TreeSnapshot.of(datasetDir).assertSameAs(current,
                "the dataset after the refused restore of cycle " + cycle + " level " + level);
        assertEquals(List.of(), internalEntries(datasetDir), "restore working directories left behind");
        return e;
    }

    private RestoreSummary assertRestores(long cycle, int level) throws IOException {
        RestoreSummary summary = engine.restore(DS, cycle, level);
        assertEquals(level, summary.level());
        TreeSnapshot.of(datasetDir).assertSameAs(levels.get(level), "restore of cycle " + cycle + " level " + level);
        assertEquals(List.of(), internalEntries(datasetDir), "restore working directories left behind");
        current = TreeSnapshot.of(datasetDir);
        return summary;
    }

    private static void flipByte(Path file, long offset) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[(int) offset] ^= (byte) 0xFF;
        Files.write(file, bytes);
    }

    private static void truncateToHalf(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    }

    private static List<String> internalEntries(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".aiod-")).toList();
        }
    }

    private record Result(int exit, String output) {
    }

    private static Result sha256sumCheck(Path cycleDir) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sha256sum", "-c", "SHA256SUMS").directory(cycleDir.toFile())
                .redirectErrorStream(true);
        pb.environment().put("LC_ALL", "C.UTF-8");
        Process process = pb.start();
        process.getOutputStream().close();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return new Result(process.waitFor(), output);
    }
}
