package org.aiod.backup.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Parallel gzip gives one standard gzip stream, whatever the size, the block boundaries and the level. */
class ParallelGzipOutputStreamTest {

    private static final ExecutorService POOL = Executors.newFixedThreadPool(4);
    private static final int BLOCK = ParallelGzipOutputStream.BLOCK_SIZE;

    @TempDir
    Path tmp;

    @AfterAll
    static void stopPool() {
        POOL.shutdownNow();
    }

    static Stream<Arguments> inputs() {
        return Stream.of(0, 1, 100, BLOCK - 1, BLOCK, BLOCK + 1, 32 * 1024 - 1, 3 * BLOCK + 17, 5_000_000)
                .flatMap(size -> Stream.of(Arguments.of(size, "text", 2, 6), Arguments.of(size, "random", 4, 1),
                        Arguments.of(size, "zeros", 3, 9)));
    }

    @ParameterizedTest(name = "{0} bytes of {1}, {2} threads, level {3}")
    @MethodSource("inputs")
    void decompressesToTheInput(int size, String kind, int threads, int level) throws IOException {
        byte[] input = data(size, kind);
        byte[] compressed = compress(input, threads, level, 7919);
        assertArrayEquals(input, new GZIPInputStream(new ByteArrayInputStream(compressed)).readAllBytes());
    }

    @Test
    void gnuGzipReadsItAsOneMember() throws Exception {
        byte[] input = data(3_000_000, "text");
        Path file = tmp.resolve("out.gz");
        Files.write(file, compress(input, 2, 6, 65536));
        Process gzip = new ProcessBuilder("gzip", "-dc", file.toString()).redirectErrorStream(true).start();
        byte[] output = gzip.getInputStream().readAllBytes();
        assertEquals(0, gzip.waitFor());
        assertArrayEquals(input, output);
        Process list = new ProcessBuilder("gzip", "-lv", file.toString()).redirectErrorStream(true).start();
        String listing = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, list.waitFor(), listing);
    }

    @Test
    void compressesAboutAsWellAsSingleThreadedGzip() throws IOException {
        byte[] input = data(4_000_000, "text");
        ByteArrayOutputStream single = new ByteArrayOutputStream();
        try (var gzip = new java.util.zip.GZIPOutputStream(single)) {
            gzip.write(input);
        }
        int parallel = compress(input, 2, 6, 65536).length;
        // dictionaries carried between blocks keep the loss to a few percent
        assertEquals(1.0, (double) parallel / single.size(), 0.05, parallel + " vs " + single.size());
    }

    @Test
    void writingThreadReusesItsBlockArrays() throws IOException {
        byte[] input = data(32 * 1024 * 1024, "text"); // 256 blocks
        byte[] expected = compress(input, 2, 1, 65536);
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        // compares as it is written, so the check itself allocates nothing on this thread
        OutputStream comparing = new OutputStream() {
            int at;

            @Override
            public void write(int b) {
                if (expected[at] != (byte) b) {
                    fail("compressed output differs at byte " + at);
                }
                at++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                for (int i = 0; i < len; i++) {
                    write(b[off + i]);
                }
            }
        };
        ParallelGzipOutputStream gzip = new ParallelGzipOutputStream(comparing, POOL, 2, 1);
        for (int offset = 0; offset < input.length; offset += 65536) {
            gzip.write(input, offset, 65536);
        }
        gzip.finish();
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // a new 128 KiB input array and a 32 KiB dictionary copy per block were 40 MiB here; reused, a few arrays
        assertTrue(allocated < 8L * 1024 * 1024, "writing thread allocated " + allocated + " bytes for 256 blocks");
    }

    private static byte[] compress(byte[] input, int threads, int level, int chunk) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ParallelGzipOutputStream gzip = new ParallelGzipOutputStream(out, POOL, threads, level);
        for (int offset = 0; offset < input.length; offset += chunk) {
            gzip.write(input, offset, Math.min(chunk, input.length - offset));
        }
        gzip.finish();
        return out.toByteArray();
    }

    private static byte[] data(int size, String kind) {
        byte[] data = new byte[size];
        Random random = new Random(size);
        switch (kind) {
            case "random" -> random.nextBytes(data);
            case "text" -> {
                String[] words = {"backup ", "restore ", "level ", "cycle ", "dataset ", "archive\n", "gzip "};
                int i = 0;
                while (i < size) {
                    byte[] word = words[random.nextInt(words.length)].getBytes(StandardCharsets.US_ASCII);
                    int n = Math.min(word.length, size - i);
                    System.arraycopy(word, 0, data, i, n);
                    i += n;
                }
            }
            default -> {
            }
        }
        return data;
    }
}
