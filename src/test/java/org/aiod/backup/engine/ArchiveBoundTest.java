package org.aiod.backup.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk guard's bound ({@link Archiver#archiveBound()}), known after the directory pass, is at least the tar
 * stream the two passes write, whatever the members: long names and link targets (GNU L/K members), symlinks, hard
 * links, empty files, sizes that are not whole blocks, nested directories; and it is of the same order.
 */
class ArchiveBoundTest {

    @TempDir
    Path tmp;

    @Test
    void theBoundCoversTheTarStreamOfEveryKindOfMember() throws IOException {
        Path data = tmp.resolve("data");
        Path ds = data.resolve("ds");
        String longName = "n".repeat(120);
        Trees.write(ds.resolve("a.txt"), "alpha\n");
        Trees.write(ds.resolve("empty"), new byte[0]);
        Trees.write(ds.resolve("odd.bin"), Trees.randomBytes(1, 1025));
        Trees.write(ds.resolve("d1/" + longName + "/" + longName + ".bin"), Trees.randomBytes(2, 70_000));
        Trees.symlink(ds.resolve("link"), "t".repeat(150));
        Path first = Trees.write(ds.resolve("d2/first.bin"), Trees.randomBytes(3, 5000));
        Files.createLink(ds.resolve("d2/second.bin"), first);
        for (int i = 0; i < 50; i++) {
            Trees.write(ds.resolve("many/d" + (i % 7) + "/f" + i), "x".repeat(i));
        }

        long[] level0 = writeLevel(ds);
        assertTrue(level0[0] >= level0[1], "bound " + level0[0] + " < tar " + level0[1]);
        assertTrue(level0[0] < 2 * level0[1] + 64 * 1024, "bound " + level0[0] + " far above tar " + level0[1]);
    }

    /** A level 0 written as LevelWriter does, uncompressed: {bound after the directory pass, tar bytes written}. */
    private long[] writeLevel(Path ds) throws IOException {
        Path snapshotFile = tmp.resolve("snar");
        Files.deleteIfExists(snapshotFile);
        Archiver archiver = new Archiver("ds", ds, null, FileContent.DIRECT, new ProgressListener() {
        });
        long[] counted = new long[1];
        OutputStream counting = new OutputStream() {
            @Override
            public void write(int b) {
                counted[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                counted[0] += len;
            }
        };
        TarOutput tar = new TarOutput(counting);
        try (SnapshotFile.Writer snapshot = new SnapshotFile.Writer(Files.newOutputStream(snapshotFile,
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), Instant.now())) {
            archiver.writeDirectories(tar, snapshot);
        }
        long bound = archiver.archiveBound();
        try (SnapshotFile.Reader snapshot = new SnapshotFile.Reader(Files.newInputStream(snapshotFile),
                snapshotFile)) {
            archiver.writeFiles(tar, snapshot);
        }
        tar.finish();
        return new long[] {bound, counted[0]};
    }
}
