package org.aiod.backup.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.aiod.backup.engine.testing.GnuTar;
import org.aiod.backup.engine.testing.TreeSnapshot;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sparse files: archives GNU tar 1.34 writes with {@code --sparse}, in the legacy incremental command's GNU format
 * (old GNU sparse, type {@code S}) and in the POSIX format's sparse versions 0.0, 0.1 and 1.0 (GNU tar writes all
 * of them in incremental mode too), restore with the same content and with their holes as holes; and any file the
 * engine restores gets holes where it has aligned blocks of zeros. Allocated space is measured with
 * {@code stat -c %b}. The temporary directory must be on a file system with holes (ext4, xfs, btrfs, tmpfs).
 */
class SparseFileTest {

    private static final String DS = "x";
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path tmp;

    private Path dataRoot;
    private Path backupRoot;
    private Path restoreRoot;
    private Path datasetDir;

    @BeforeEach
    void setUp() throws IOException {
        dataRoot = tmp.resolve("data");
        backupRoot = tmp.resolve("backups");
        restoreRoot = Files.createDirectories(tmp.resolve("restored"));
        datasetDir = Files.createDirectories(dataRoot.resolve(DS));
    }

    /** The format options of each GNU tar variant, after {@code tar -czf <archive> --listed-incremental=<snar>}. */
    private static List<String> formatOptions(String variant) {
        return switch (variant) {
            case "gnu" -> List.of("--sparse");
            default -> List.of("--format=posix", "--sparse", "--sparse-version=" + variant.substring("posix-".length()));
        };
    }

    private void gnuTarLevel(String variant, int level) throws IOException {
        Path cycleDir = Files.createDirectories(GnuTar.cycleDir(backupRoot, DS, 0));
        List<String> command = new ArrayList<>(List.of("tar", "-czf",
                cycleDir.resolve(DS + level + ".tar.gz").toString(),
                "--listed-incremental=" + cycleDir.resolve(DS + ".snar")));
        command.addAll(formatOptions(variant));
        command.add("./" + DS);
        GnuTar.run(dataRoot, command, false);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gnu", "posix-0.0", "posix-0.1", "posix-1.0"})
    void sparseFilesOfGnuTarRestoreWithTheirHoles(String variant) throws IOException {
        Path big = sparseFile(datasetDir.resolve("big.img"), 100 * MIB, 0, 10 * MIB + 123, 50 * MIB, 99 * MIB);
        Path endsInData = sparseFile(datasetDir.resolve("sub/ends-in-data.img"), 8 * MIB, 8 * MIB - 4096);
        Trees.write(datasetDir.resolve("plain.txt"), "not sparse\n");
        gnuTarLevel(variant, 0);
        // level 1: a new data region in the big file, a new sparse file
        writeAt(big, 70 * MIB, Trees.randomBytes(7, 5000));
        sparseFile(datasetDir.resolve("sub/new.img"), 30 * MIB, 12 * MIB);
        Trees.tick(tmp);
        gnuTarLevel(variant, 1);

        RestoreSummary summary = new Engine(EngineOptions.defaults(restoreRoot, backupRoot)).restore(DS, 0, null);

        assertEquals(1, summary.level());
        TreeSnapshot.of(restoreRoot.resolve(DS)).assertSameAs(TreeSnapshot.of(datasetDir),
                variant + " sparse files restored");
        for (String rel : List.of("big.img", "sub/ends-in-data.img", "sub/new.img")) {
            Path restored = restoreRoot.resolve(DS).resolve(rel);
            long allocated = allocatedBytes(restored);
            assertTrue(allocated <= allocatedBytes(datasetDir.resolve(rel)) + 64 * 1024,
                    rel + " restored from " + variant + " takes " + allocated + " bytes of disk; the original "
                            + allocatedBytes(datasetDir.resolve(rel)) + " (size " + Files.size(restored) + ")");
        }
        assertTrue(allocatedBytes(restoreRoot.resolve(DS).resolve("big.img")) < 2 * MIB);
        assertEquals(Files.size(endsInData), Files.size(restoreRoot.resolve(DS).resolve("sub/ends-in-data.img")));
    }

    /**
     * A 20 GiB sparse file with three data blocks, in the legacy incremental command's format: its size field
     * needs base-256 and its data is a few kilobytes. Content is compared at the data offsets and by size (reading
     * 20 GiB of holes back would take the test's time, not the engine's), and its allocation is a few blocks.
     */
    @Test
    void twentyGibSparseFileRestoresInAFewBlocks() throws IOException {
        long size = 20L * 1024 * MIB;
        long[] offsets = {0, 7L * 1024 * MIB + 4321, size - 10_000};
        Path huge = sparseFile(datasetDir.resolve("huge.img"), size, offsets);
        gnuTarLevel("gnu", 0);
        assertTrue(Files.size(GnuTar.archive(backupRoot, DS, 0, 0)) < MIB, "GNU tar wrote the holes out");

        long started = System.nanoTime();
        new Engine(EngineOptions.defaults(restoreRoot, backupRoot)).restore(DS, 0, null);
        long millis = (System.nanoTime() - started) / 1_000_000;

        Path restored = restoreRoot.resolve(DS).resolve("huge.img");
        assertEquals(size, Files.size(restored));
        try (FileChannel original = FileChannel.open(huge); FileChannel copy = FileChannel.open(restored)) {
            for (long offset : offsets) {
                assertArrayEquals(read(original, offset, 10_000), read(copy, offset, 10_000), "data at " + offset);
                assertArrayEquals(new byte[4096], read(copy, offset + 1_000_000 < size ? offset + 1_000_000
                        : offset - 1_000_000, 4096), "a hole near " + offset + " reads as zeros");
            }
        }
        assertEquals(Trees.mtime(huge), Trees.mtime(restored));
        assertTrue(allocatedBytes(restored) < MIB, "20 GiB sparse file restored into " + allocatedBytes(restored)
                + " bytes of disk");
        assertTrue(millis < 60_000, "restore took " + millis + " ms");
    }

    /**
     * The engine itself writes no sparse members, but a file it restores gets holes wherever it has aligned 4 KiB
     * blocks of zeros: 32 MiB of zeros between two bits of data take no space, whether the file is written on the
     * level-0 fast path (small files) or streamed.
     */
    @Test
    void zeroBlocksOfAnyRestoredFileBecomeHoles() throws IOException {
        Path large = Trees.write(datasetDir.resolve("zeros-inside.bin"), new byte[0]);
        writeAt(large, 0, Trees.randomBytes(1, 1000));
        writeAt(large, 32 * MIB, Trees.randomBytes(2, 1000));
        Path small = Trees.write(datasetDir.resolve("small.bin"), new byte[200 * 1024]);
        writeAt(small, 100_000, Trees.randomBytes(3, 10));
        Path allZeros = Trees.write(datasetDir.resolve("all-zeros.bin"), new byte[(int) (3 * MIB)]);
        Engine engine = new Engine(EngineOptions.defaults(dataRoot, backupRoot));
        engine.backup(DS);

        new Engine(EngineOptions.defaults(restoreRoot, backupRoot)).restore(DS, 0, null);

        TreeSnapshot.of(restoreRoot.resolve(DS)).assertSameAs(TreeSnapshot.of(datasetDir), "files with zero runs");
        assertTrue(allocatedBytes(restoreRoot.resolve(DS).resolve("zeros-inside.bin")) <= 64 * 1024,
                "32 MiB of zeros took " + allocatedBytes(restoreRoot.resolve(DS).resolve("zeros-inside.bin")));
        assertTrue(allocatedBytes(restoreRoot.resolve(DS).resolve("small.bin")) <= 16 * 1024,
                "a 200 KiB file of zeros but 10 bytes took " + allocatedBytes(restoreRoot.resolve(DS)
                        .resolve("small.bin")));
        assertTrue(allocatedBytes(restoreRoot.resolve(DS).resolve("all-zeros.bin")) <= 8 * 1024,
                "3 MiB of zeros took " + allocatedBytes(restoreRoot.resolve(DS).resolve("all-zeros.bin")));
        assertEquals(3 * MIB, Files.size(restoreRoot.resolve(DS).resolve("all-zeros.bin")));
        assertTrue(allocatedBytes(allZeros) >= 3 * MIB, "the original is not sparse");
    }

    /** A file of {@code size} bytes, all hole but 10,000 random bytes at each offset. */
    private static Path sparseFile(Path file, long size, long... dataOffsets) throws IOException {
        Files.createDirectories(file.getParent());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long offset : dataOffsets) {
                byte[] data = Trees.randomBytes(offset, (int) Math.min(10_000, size - offset));
                channel.write(ByteBuffer.wrap(data), offset);
            }
            channel.truncate(size);
            if (channel.size() < size) {
                channel.write(ByteBuffer.wrap(new byte[1]), size - 1);
            }
        }
        return file;
    }

    private static void writeAt(Path file, long offset, byte[] data) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(data), offset);
        }
    }

    private static byte[] read(FileChannel channel, long offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) > 0) {
            // filled
        }
        return buffer.array();
    }

    /** Bytes of disk the file takes ({@code stat -c %b} blocks of {@code %B} bytes). */
    private static long allocatedBytes(Path file) throws IOException {
        String[] fields = GnuTar.run(null, List.of("stat", "-c", "%b %B", file.toString()), false).stdout().get(0)
                .split(" ");
        return Long.parseLong(fields[0]) * Long.parseLong(fields[1]);
    }
}
