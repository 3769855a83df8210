package org.aiod.backup.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** The benchmark's seeded datasets: the same bytes on every run and every machine. */
final class Datasets {

    private static final byte[] TEXT = corpus();

    private Datasets() {
    }

    /**
     * "mixed": text-like, random and semi-compressible files, a few of them large. Full scale: about 1 GiB in 20k
     * files, three of them over 100 MiB.
     */
    static List<Path> mixed(Path dir, double scale) throws IOException {
        SplittableRandom random = new SplittableRandom(42);
        List<Path> files = new ArrayList<>();
        int count = Math.max(20, (int) (20_000 * scale));
        int big = Math.max(1, (int) Math.round(3 * Math.min(1, scale * 10)));
        for (int i = 0; i < count; i++) {
            // ten top directories g0..g9, each a tenth of the files: the rename row moves one of them
            int d = i % 200;
            Path file = dir.resolve("g" + d % 10).resolve("d" + d).resolve("f" + i + kindSuffix(i));
            long size = i < big ? (long) (110L * 1024 * 1024 * Math.min(1, scale * 10)) : random.nextInt(70_000);
            write(file, size, i % 5, random);
            files.add(file);
        }
        return files;
    }

    /** "many-small": 200k files of 0–8 KiB in 2k directories (under ten top directories) at full scale. */
    static List<Path> manySmall(Path dir, double scale) throws IOException {
        SplittableRandom random = new SplittableRandom(7);
        List<Path> files = new ArrayList<>();
        int directories = Math.max(10, (int) (2_000 * scale));
        for (int d = 0; d < directories; d++) {
            Path sub = dir.resolve("dir" + d % 10).resolve("sub" + d);
            for (int f = 0; f < 100; f++) {
                Path file = sub.resolve("file" + f + ".txt");
                write(file, random.nextInt(8 * 1024 + 1), f % 5, random);
                files.add(file);
            }
        }
        return files;
    }

    /**
     * The scale series' small files: {@code count} files of 0–4 KiB, 2,000 to a directory, the directories under ten
     * top directories g0..g9.
     */
    static List<Path> series(Path dir, int count) throws IOException {
        SplittableRandom random = new SplittableRandom(11);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int d = i / 2000;
            Path file = dir.resolve("g" + d % 10).resolve("d" + d).resolve("f" + i + kindSuffix(i));
            write(file, random.nextInt(4 * 1024 + 1), i % 5, random);
            files.add(file);
        }
        return files;
    }

    /** The top directory the rename row moves: a tenth of the files of every dataset here. */
    static String tenthDirectory(String dataset) {
        return dataset.equals("many-small") ? "dir5" : "g5";
    }

    private static String kindSuffix(int i) {
        return switch (i % 5) {
            case 0, 1, 2 -> ".txt";
            case 3 -> ".bin";
            default -> ".dat";
        };
    }

    /** kind 0-2: text-like; 3: random; 4: semi-compressible (random runs between repeats). */
    private static void write(Path file, long size, int kind, SplittableRandom random) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] buffer = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            long left = size;
            while (left > 0) {
                int n = (int) Math.min(buffer.length, left);
                fill(buffer, n, kind, random);
                out.write(buffer, 0, n);
                left -= n;
            }
        }
    }

    private static void fill(byte[] buffer, int n, int kind, SplittableRandom random) {
        if (kind == 3) {
            random.nextBytes(buffer);
            return;
        }
        int i = 0;
        while (i < n) {
            int run = Math.min(n - i, 64 + random.nextInt(512));
            if (kind == 4 && random.nextBoolean()) {
                for (int j = 0; j < run; j++) {
                    buffer[i + j] = (byte) random.nextInt(256);
                }
            } else {
                System.arraycopy(TEXT, random.nextInt(TEXT.length - run), buffer, i, run);
            }
            i += run;
        }
    }

    private static byte[] corpus() {
        String[] words = ("the of and to in is that for it as was with be by on not he this are or his from at which "
                + "but have an they you were her she there been one all we their has would when if so no will "
                + "dataset backup restore level cycle archive snapshot volume connector keycloak mysql index "
                + "elasticsearch document {\"id\": \"timestamp\": 2024-05-01T12:00:00Z INFO WARN ERROR user=").split(" ");
        SplittableRandom random = new SplittableRandom(1);
        StringBuilder text = new StringBuilder();
        while (text.length() < (1 << 20) + 4096) {
            text.append(words[random.nextInt(words.length)]).append(random.nextInt(12) == 0 ? "\n" : " ");
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
