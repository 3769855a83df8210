package org.aiod.backup.engine;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;

/**
 * The one place that opens compressed streams, both ways: the writing stream of a level (gzip on one thread, gzip
 * in parallel blocks, or zstd) and the reading stream of an archive (by its suffix, so readers never guess). Owns
 * the gzip thread pool, shared by every engine in the process.
 */
final class Compressors {

    /** Shared by every engine in the process: compression threads are a machine-wide resource. */
    private static final ExecutorService GZIP_THREADS = ReadAhead.daemonPool("aiod-gzip",
            Runtime.getRuntime().availableProcessors());

    private Compressors() {
    }

    /**
     * A stream that compresses into {@code out} as {@code compression} at {@code level} on up to {@code threads}
     * threads. End it with {@link #finish}, which leaves {@code out} open: the archive's channel is synced and
     * closed by its owner, after the compressed stream has ended.
     */
    static OutputStream compressing(OutputStream out, Compression compression, int level, int threads)
            throws IOException {
        if (compression == Compression.ZSTD) {
            ZstdOutputStream zstd = new ZstdOutputStream(new FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    flush(); // the archive channel is synced and closed by its owner
                }
            }, level);
            zstd.setChecksum(true); // a frame checksum, as the zstd program writes by default
            if (threads > 1) {
                zstd.setWorkers(threads);
            }
            return new BufferedOutputStream(zstd, 1 << 16);
        }
        if (threads == 1) {
            return new LeveledGzipOutputStream(out, level);
        }
        return new ParallelGzipOutputStream(out, GZIP_THREADS, threads, level);
    }

    /** Writes the end of a stream from {@link #compressing}; the stream under it stays open. */
    static void finish(OutputStream compressed) throws IOException {
        if (compressed instanceof ParallelGzipOutputStream parallel) {
            parallel.finish();
        } else if (compressed instanceof GZIPOutputStream single) {
            single.finish();
        } else {
            compressed.close(); // zstd: closing writes the frame's end; the channel stays open until synced
        }
    }

    /** A stream of the decompressed tar archive read from {@code in}, compressed as the archive's name says. */
    static InputStream decompressing(InputStream in, Path archive) throws IOException {
        return decompressing(in, Compression.ofArchive(archive.getFileName().toString()));
    }

    static InputStream decompressing(InputStream in, Compression compression) throws IOException {
        return switch (compression) {
            case GZIP -> new GZIPInputStream(in, 1 << 16);
            case ZSTD -> new BufferedInputStream(new ZstdInputStream(in), 1 << 16);
        };
    }

    /** JDK gzip with a chosen deflate level; the output is one standard gzip member. */
    private static final class LeveledGzipOutputStream extends GZIPOutputStream {
        LeveledGzipOutputStream(OutputStream out, int level) throws IOException {
            super(out, 1 << 16);
            def.setLevel(level);
        }
    }
}
