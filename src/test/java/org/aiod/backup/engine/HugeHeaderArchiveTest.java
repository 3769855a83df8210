package org.aiod.backup.engine;

import static org.aiod.backup.engine.testing.RepeatingGzip.concat;
import static org.aiod.backup.engine.testing.RepeatingGzip.end;
import static org.aiod.backup.engine.testing.RepeatingGzip.tarHeader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.aiod.backup.engine.testing.RepeatingGzip;
import org.aiod.backup.engine.testing.TreeSnapshot;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Archives whose headers claim gigabytes (a GNU long name, a PAX header, a listing, a sparse map) are refused with
 * {@code CORRUPT_ARCHIVE} by a restore in a JVM with a 256 MiB heap, which must not run out of memory, and the dataset
 * is left as it was, with no staging directory behind. The archives hold every byte their headers claim (1.9 GiB of
 * zeros compress to 2 MB), so that a reader that believed them would really allocate it.
 */
class HugeHeaderArchiveTest {

    private static final String DS = "x";
    private static final long HUGE = 1_900L * 1024 * 1024;

    @TempDir
    Path tmp;

    private Path dataRoot;
    private Path backupRoot;
    private Path datasetDir;

    @BeforeEach
    void setUp() throws IOException {
        dataRoot = tmp.resolve("data");
        backupRoot = tmp.resolve("backups");
        datasetDir = dataRoot.resolve(DS);
        Trees.write(datasetDir.resolve("keep.txt"), "existing content\n");
        Trees.write(datasetDir.resolve("sub/nested.bin"), Trees.randomBytes(1, 4096));
        new Engine(EngineOptions.defaults(dataRoot, backupRoot)).backup(DS);
    }

    /** The header, the unit repeated up to {@link #HUGE} bytes, and what follows. */
    record Hostile(String description, byte[] head, byte[] unit, byte[] tail, String mustSay) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Arguments> hugeHeaders() {
        byte[] file = concat(tarHeader("./x/evil", (byte) '0', 0), end());
        byte[] zeros = new byte[512];
        return Stream.of(
                Arguments.of(new Hostile("1.9 GiB GNU long name (L)",
                        tarHeader("././@LongLink", (byte) 'L', HUGE), zeros, file, "long name (L)")),
                Arguments.of(new Hostile("1.9 GiB GNU long link (K)",
                        tarHeader("././@LongLink", (byte) 'K', HUGE), zeros, file, "long link (K)")),
                Arguments.of(new Hostile("1.9 GiB PAX extended header (x) with one record",
                        concat(tarHeader("./x/PaxHeaders/evil", (byte) 'x', HUGE),
                                (HUGE + " path=").getBytes(StandardCharsets.US_ASCII)),
                        zeros, file, "PAX extended (x)")),
                Arguments.of(new Hostile("1.9 GiB PAX global header (g)",
                        concat(tarHeader("pax_global_header", (byte) 'g', HUGE),
                                (HUGE + " comment=").getBytes(StandardCharsets.US_ASCII)),
                        zeros, file, "PAX global (g)")),
                Arguments.of(new Hostile("1.9 GiB listing of a D member",
                        tarHeader("./x/", (byte) 'D', HUGE), zeros, file, "listing")),
                Arguments.of(new Hostile("old GNU sparse member with 1.9 GiB of extension headers",
                        oldSparseHeader(), extensionRecord(), concat(new byte[512], end()), "sparse map")));
    }

    /** A GNU sparse ('S') member of 1 GiB whose map goes on in extension headers. */
    private static byte[] oldSparseHeader() {
        byte[] h = tarHeader("./x/sparse", (byte) 'S', 512);
        RepeatingGzip.put(h, 386, String.format("%011o", 0));
        RepeatingGzip.put(h, 398, String.format("%011o", 512));
        h[482] = 1; // isextended
        RepeatingGzip.put(h, 483, String.format("%011o", 1L << 30));
        return RepeatingGzip.withChecksum(h);
    }

    /** An extension header of 21 regions, saying another follows. */
    private static byte[] extensionRecord() {
        byte[] r = new byte[512];
        for (int i = 0; i < 21; i++) {
            RepeatingGzip.put(r, i * 24, String.format("%011o", 4096L * (i + 1)));
            RepeatingGzip.put(r, i * 24 + 12, String.format("%011o", 0));
        }
        r[504] = 1;
        return r;
    }

    /**
     * A listing as large as the limit allows, of millions of short names: within the limits, so it is restored,
     * in the same 256 MiB heap (a String per entry in a map would take over 700 MiB). The names are unsorted, as a
     * hostile writer may leave them.
     */
    @org.junit.jupiter.api.Test
    void listingOfMillionsOfShortNamesIsRestoredInA256MiBHeap() throws Exception {
        java.io.ByteArrayOutputStream listing = new java.io.ByteArrayOutputStream(ArchiveLimits.LISTING);
        String digits = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        int entries = 0;
        // "N" + four characters + NUL, counted down so that the listing is not in order
        for (int n = 62 * 62 * 62 * 62 - 1; listing.size() + 7 < ArchiveLimits.LISTING && n >= 0; n--, entries++) {
            listing.write('N');
            for (int d = 62 * 62 * 62; d > 0; d /= 62) {
                listing.write(digits.charAt(n / d % 62));
            }
            listing.write(0);
        }
        listing.write(0);
        byte[] data = listing.toByteArray();
        byte[] padded = java.util.Arrays.copyOf(data, (data.length + 511) / 512 * 512);
        Path cycleDir = Files.createDirectories(backupRoot.resolve(DS).resolve(DS + "_5"));
        byte[] archive = concat(tarHeader("./x/", (byte) 'D', data.length), padded, end());
        try (java.io.OutputStream out = new java.util.zip.GZIPOutputStream(
                Files.newOutputStream(cycleDir.resolve(DS + "0.tar.gz")))) {
            out.write(archive);
        }

        Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), RestoreMain.class.getName(), dataRoot.toString(),
                backupRoot.toString(), DS, "5")
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = child.waitFor();

        assertEquals(0, status, "the restore JVM died: " + output);
        assertTrue(entries > 5_000_000, "entries: " + entries);
        assertTrue(output.strip().endsWith("restored files=0"), output);
        try (Stream<Path> left = Files.list(datasetDir)) {
            // the level holds no file and names none that the staging directory has: the dataset is empty
            assertEquals(List.of(), left.toList());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hugeHeaders")
    void hugeHeaderIsRefusedInA256MiBHeap(Hostile hostile) throws Exception {
        Path cycleDir = Files.createDirectories(backupRoot.resolve(DS).resolve(DS + "_5"));
        RepeatingGzip.write(cycleDir.resolve(DS + "0.tar.gz"), hostile.head(), hostile.unit(),
                HUGE / hostile.unit().length, hostile.tail());
        TreeSnapshot before = TreeSnapshot.of(datasetDir);

        Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), RestoreMain.class.getName(), dataRoot.toString(),
                backupRoot.toString(), DS, "5")
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = child.waitFor();

        assertEquals(0, status, "the restore JVM died: " + output);
        List<String> lines = output.lines().toList();
        String last = lines.get(lines.size() - 1);
        assertTrue(last.startsWith("refused code=CORRUPT_ARCHIVE "), output);
        assertTrue(last.contains(hostile.mustSay()) && last.contains("limit"),
                "the message should say what exceeded which limit: " + last);
        TreeSnapshot.of(datasetDir).assertSameAs(before, "the dataset after refusing " + hostile);
        try (Stream<Path> entries = Files.list(datasetDir)) {
            assertEquals(List.of(), entries.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(".aiod-")).toList(), "staging left behind");
        }
    }
}
