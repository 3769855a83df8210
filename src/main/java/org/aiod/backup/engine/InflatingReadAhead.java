package org.aiod.backup.engine;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Future;

/**
 * An archive's decompressed tar stream for the restore, read from its file, hashed (SHA-256 of the whole file) and
 * decompressed on another thread, ahead of the restore's thread, which parses members and writes files meanwhile:
 * what {@code tar -xz} gets from its gzip child process. The decompressing thread hands over whole chunks of
 * {@link #CHUNK} bytes through a queue of {@link #CHUNKS_AHEAD}, so memory stays bounded and the decompressor is
 * always called with a large output buffer (one call per chunk instead of one per 512-byte tar record).
 *
 * <p>The decompressing thread touches no state of the run: the progress listener hears of the bytes read on the
 * restore's thread, as it takes each chunk. A decompression failure arrives at the place in the stream where it
 * happened, as an {@link IOException}; the file is still read to its end first, so the caller can tell a damaged
 * archive (its checksum differs) from a bad member ({@link #sha256()} after a failure on either side, via
 * {@link #drainForChecksum()}).
 */
final class InflatingReadAhead implements AutoCloseable {

    static final int CHUNK = 256 * 1024;
    static final int CHUNKS_AHEAD = 4;
    private static final int FILE_BUFFER = 1 << 16;

    /** One hand-over: a chunk of decompressed bytes, or the end (normal, or a failure) with the file's digest. */
    private record Item(byte[] data, int length, long fileBytes, boolean end, IOException failure, byte[] digest,
            boolean atOpening) {
    }

    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(CHUNKS_AHEAD);
    private final Path archive;
    private final ProgressListener listener;
    private final Future<Void> task;
    /** Set by the restore's thread: stop decompressing, read the rest of the file only for its digest. */
    private volatile boolean drain;
    /** Set by the restore's thread when it leaves: the decompressing thread stops at its next hand-over. */
    private volatile boolean closed;
    private final Stream stream = new Stream();
    private Item current;
    private int position;
    private Item last;

    private InflatingReadAhead(Path archive, InputStream file, ProgressListener listener) {
        this.archive = archive;
        this.listener = listener;
        this.task = ReadAhead.inflate(() -> produce(file));
    }

    /**
     * Opens {@code archive} (here, so that a file that cannot be opened fails as it always did) and starts reading
     * it, decompressed as its name says, on a decompressing thread.
     */
    static InflatingReadAhead open(Path archive, ProgressListener listener) throws IOException {
        return new InflatingReadAhead(archive, Files.newInputStream(archive), listener);
    }

    /**
     * Waits for the start of the decompressed stream: a file that does not even begin as its compression says
     * (not gzip, not zstd) is reported here, before any member, as the archive's corruption.
     */
    void requireOpened() throws IOException {
        if (current == null && last == null) {
            Item item = take();
            if (item.end()) {
                last = item;
                if (item.atOpening()) {
                    throw item.failure();
                }
            } else {
                current = item;
                position = 0;
            }
        }
    }

    /** The decompressed tar stream; a read fails where decompression failed. */
    InputStream stream() {
        return stream;
    }

    /**
     * The SHA-256 of the whole file once {@link #stream()} has been read to its end (or {@link #drainForChecksum}
     * returned); {@code null} when the file did not begin as a compressed stream.
     */
    byte[] sha256() {
        return last == null ? null : last.digest();
    }

    /**
     * After a failure: stops decompressing and waits until the rest of the file has been read for its digest (of
     * what could be read, when the file cannot be read to its end).
     */
    void drainForChecksum() throws IOException {
        drain = true;
        while (last == null) {
            Item item = take();
            if (item.end()) {
                last = item;
            }
        }
    }

    /**
     * Stops the decompressing thread and waits for it to end, so the archive's file is closed when this returns
     * (at most one chunk's decompression later).
     */
    @Override
    public void close() throws IOException {
        closed = true;
        // frees a decompressing thread blocked on a full queue; it sees closed at its next hand-over and stops
        queue.clear();
        ReadAhead.await(task, "stopping the decompression of " + archive);
    }

    // ------------------------------------------------------------------------------ the decompressing thread

    private Void produce(InputStream file) {
        MessageDigest digest = Checksums.sha256();
        FileCount count = new FileCount(file);
        BufferedInputStream buffered = null;
        try {
            try {
                buffered = new BufferedInputStream(new DigestInputStream(count, digest), FILE_BUFFER);
                InputStream decompressed;
                try {
                    decompressed = Compressors.decompressing(buffered, archive);
                } catch (IOException e) {
                    // not even a compressed stream's header: nothing to parse, no checksum to compare first
                    handOver(new Item(null, 0, count.take(), true, e, null, true));
                    return null;
                }
                while (!drain && !closed) {
                    byte[] chunk = new byte[CHUNK];
                    int n = decompressed.readNBytes(chunk, 0, CHUNK);
                    if (n > 0 && !handOver(new Item(chunk, n, count.take(), false, null, null, false))) {
                        return null;
                    }
                    if (n < CHUNK) {
                        break;
                    }
                }
                if (closed) {
                    return null;
                }
                // any bytes after the compressed stream, so that the digest covers the whole file
                buffered.transferTo(OutputStream.nullOutputStream());
                handOver(new Item(null, 0, count.take(), true, null, digest.digest(), false));
            } catch (IOException | RuntimeException e) {
                if (closed) {
                    return null;
                }
                IOException failure = e instanceof IOException io ? io : new IOException(e.toString(), e);
                if (buffered != null) {
                    try {
                        buffered.transferTo(OutputStream.nullOutputStream());
                    } catch (IOException unreadable) {
                        // the digest of what could be read, which cannot match: the archive is reported damaged
                        failure.addSuppressed(unreadable);
                    }
                }
                byte[] fileDigest = digest.digest();
                handOver(new Item(null, 0, count.take(), true, failure, fileDigest, false));
            }
        } finally {
            try {
                count.close();
            } catch (IOException e) {
                // reading is over; a file that cannot be closed after reading changes nothing
            }
        }
        return null;
    }

    /** Puts an item in the queue; false when the restore's thread has left. */
    private boolean handOver(Item item) {
        try {
            while (!closed) {
                if (queue.offer(item, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** Counts the bytes read from the file since the last hand-over (on the decompressing thread only). */
    private static final class FileCount extends FilterInputStream {
        private long count;

        FileCount(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += Math.max(0, skipped);
            return skipped;
        }

        long take() {
            long n = count;
            count = 0;
            return n;
        }
    }

    // ------------------------------------------------------------------------------ the restore's thread

    private Item take() throws IOException {
        Item item;
        try {
            item = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading " + archive);
        }
        if (item.fileBytes() > 0) {
            listener.read(item.fileBytes());
        }
        return item;
    }

    /** The current chunk with bytes left, or null at the end of the stream; a decompression failure is thrown. */
    private Item chunk() throws IOException {
        while (current == null || position == current.length()) {
            if (last != null) {
                if (last.failure() != null) {
                    throw last.failure();
                }
                return null;
            }
            Item item = take();
            if (item.end()) {
                last = item;
                current = null;
            } else {
                current = item;
                position = 0;
            }
        }
        return current;
    }

    private final class Stream extends InputStream {
        @Override
        public int read() throws IOException {
            Item item = chunk();
            return item == null ? -1 : item.data()[position++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            Item item = chunk();
            if (item == null) {
                return -1;
            }
            int n = Math.min(len, item.length() - position);
            System.arraycopy(item.data(), position, b, off, n);
            position += n;
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = 0;
            while (skipped < n) {
                Item item = chunk();
                if (item == null) {
                    break;
                }
                int step = (int) Math.min(n - skipped, item.length() - position);
                position += step;
                skipped += step;
            }
            return skipped;
        }

        @Override
        public int available() {
            return current == null ? 0 : current.length() - position;
        }
    }
}
