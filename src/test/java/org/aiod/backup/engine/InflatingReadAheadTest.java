package org.aiod.backup.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The restore's decompressing thread: same bytes, the whole file's digest, the listener told on the caller's thread. */
class InflatingReadAheadTest {

    @TempDir
    Path tmp;

    private static byte[] content(int size) {
        byte[] data = new byte[size];
        new Random(5).nextBytes(data);
        // half of it compressible, so that chunks of different compressed sizes go by
        for (int i = 0; i < size / 2; i++) {
            data[i] = (byte) (i % 7);
        }
        return data;
    }

    private Path gzip(byte[] data, byte[] trailing) throws IOException {
        Path file = tmp.resolve("level.tar.gz");
        try (OutputStream out = Files.newOutputStream(file); GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
            gz.finish();
            out.write(trailing);
        }
        return file;
    }

    /** Records which threads told it of bytes read, and how many. */
    private static final class Reads implements ProgressListener {
        final Set<Thread> threads = new HashSet<>();
        long bytes;

        @Override
        public void read(long archiveBytes) {
            threads.add(Thread.currentThread());
            bytes += archiveBytes;
        }
    }

    @Test
    void theStreamIsTheDecompressedContentAndTheDigestCoversTheWholeFileTrailingBytesToo() throws Exception {
        byte[] data = content(3 * InflatingReadAhead.CHUNK + 1234);
        Path file = gzip(data, new byte[] {1, 2, 3});
        Reads reads = new Reads();

        byte[] read;
        byte[] digest;
        try (InflatingReadAhead input = InflatingReadAhead.open(file, reads)) {
            input.requireOpened();
            read = input.stream().readAllBytes();
            digest = input.sha256();
        }

        assertArrayEquals(data, read);
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)), digest);
        assertEquals(Files.size(file), reads.bytes, "every byte of the file is reported read");
        assertEquals(Set.of(Thread.currentThread()), reads.threads,
                "the listener hears only on the restore's thread, never on the decompressing one");
    }

    @Test
    void aDamagedStreamFailsWhereItBreaksAndTheDigestStillCoversTheWholeFile() throws Exception {
        byte[] data = content(4 * InflatingReadAhead.CHUNK);
        Path file = gzip(data, new byte[0]);
        byte[] bytes = Files.readAllBytes(file);
        for (int i = bytes.length * 3 / 4; i < bytes.length * 3 / 4 + 64; i++) {
            bytes[i] ^= 0x55;
        }
        Files.write(file, bytes);

        try (InflatingReadAhead input = InflatingReadAhead.open(file, ProgressListener.NONE)) {
            input.requireOpened();
            assertThrows(IOException.class, () -> input.stream().transferTo(OutputStream.nullOutputStream()));
            input.drainForChecksum();
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(bytes), input.sha256(),
                    "the checksum is compared on the whole file, so a damaged archive is told from a bad member");
        }
    }

    @Test
    void aFileThatIsNotGzipFailsAtOpening() throws Exception {
        Path file = Files.write(tmp.resolve("level.tar.gz"), "not gzip at all".getBytes());
        try (InflatingReadAhead input = InflatingReadAhead.open(file, ProgressListener.NONE)) {
            assertThrows(IOException.class, input::requireOpened);
        }
    }

    @Test
    void closingBeforeTheEndStopsTheThreadAndClosesTheArchiveFile() throws Exception {
        Path file = gzip(content(32 * InflatingReadAhead.CHUNK), new byte[0]);

        try (InflatingReadAhead input = InflatingReadAhead.open(file, ProgressListener.NONE)) {
            input.requireOpened();
            InputStream stream = input.stream();
            assertEquals(1000, stream.readNBytes(1000).length);
        }

        // a failed restore deletes its staging directory next and returns: nothing may still read the archive
        assertFalse(openFiles().contains(file.toRealPath()), "the archive is still open after close()");
    }

    private static Set<Path> openFiles() throws IOException {
        Set<Path> open = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    open.add(Files.readSymbolicLink(fd));
                } catch (IOException e) {
                    // closed while listed
                }
            }
        }
        return open;
    }
}
