package org.aiod.backup.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.aiod.backup.engine.ArchivedFile;
import org.aiod.backup.engine.Engine;
import org.aiod.backup.engine.EngineOptions;

/**
 * How soon a download starts: a 7-level chain whose level 0 holds {@code before.bin} ({@code beforeMiB} MiB of
 * random bytes, read through to reach the next member) and {@code big.bin} ({@code bigMiB} MiB of zeros, written as
 * data, not holes), levels 1..6 each changing one small file. Prints the time {@link Engine#open} takes to reach
 * {@code big.bin} at level 6 (through the listings of levels 6..1, then level 0 decompressed up to it), the time to
 * its first byte, and to its last. {@code <dir> [beforeMiB] [bigMiB]}.
 */
public final class DownloadStartMain {

    public static void main(String[] args) throws IOException {
        Path base = Path.of(args[0]);
        int beforeMiB = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int bigMiB = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
        Path data = Files.createDirectories(base.resolve("data/ds"));
        Path backups = Files.createDirectories(base.resolve("backups"));
        byte[] block = new byte[1 << 20];
        Random random = new Random(1);
        try (OutputStream out = Files.newOutputStream(data.resolve("before.bin"))) {
            for (int i = 0; i < beforeMiB; i++) {
                random.nextBytes(block);
                out.write(block);
            }
        }
        try (RandomAccessFile big = new RandomAccessFile(data.resolve("big.bin").toFile(), "rw")) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < bigMiB; i++) {
                big.write(zeros);
            }
        }
        Engine engine = new Engine(EngineOptions.defaults(base.resolve("data"), backups).withCycleLength(10)
                // as GNU tar does: big.bin, written just before level 0, stays in level 0
                .withStartTimeMargin(java.time.Duration.ZERO));
        for (int level = 0; level < 7; level++) {
            Files.writeString(data.resolve("small.txt"), "level " + level + "\n");
            long t = System.nanoTime();
            engine.backup("ds");
            System.out.printf("level %d written in %.1f s%n", level, (System.nanoTime() - t) / 1e9);
        }
        for (int run = 0; run < 3; run++) {
            long start = System.nanoTime();
            try (ArchivedFile file = engine.open("ds", 0, 6, "big.bin")) {
                long opened = System.nanoTime();
                InputStream content = file.content();
                byte[] buffer = new byte[1 << 16];
                int first = content.read(buffer);
                long firstByte = System.nanoTime();
                long total = first;
                for (int n; (n = content.read(buffer)) > 0; ) {
                    total += n;
                }
                long end = System.nanoTime();
                System.out.printf("run %d: big.bin (%d MiB, content in level %d) found in %.3f s, first byte after"
                        + " %.3f s, all %d bytes after %.2f s%n", run, total >> 20, file.level(),
                        (opened - start) / 1e9, (firstByte - start) / 1e9, total, (end - start) / 1e9);
            }
        }
    }
}
