package org.aiod.backup.engine;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * One standard gzip member compressed on several threads, the way pigz does it: the input is cut into blocks,
 * each block is deflated on its own with the previous 32 KiB as its dictionary and ends with a sync flush (so the
 * pieces join at byte boundaries), and the pieces are written in order between one gzip header and one trailer.
 * {@code gzip -d}, GNU tar and {@link java.util.zip.GZIPInputStream} read the result like any gzip file.
 *
 * <p>Memory is bounded: at most {@code 2 × threads} blocks are in flight; {@link #write} waits for the oldest
 * when the window is full.
 */
final class ParallelGzipOutputStream extends OutputStream {

    static final int BLOCK_SIZE = 128 * 1024;
    private static final int DICTIONARY = 32 * 1024;
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};

    private final OutputStream out;
    private final ExecutorService executor;
    private final int level;
    private final int window;
    private final ArrayDeque<Future<byte[]>> inFlight = new ArrayDeque<>();
    private final CRC32 crc = new CRC32();
    private final ThreadLocal<Deflater> deflaters;

    private byte[] block = new byte[BLOCK_SIZE];
    private int filled;
    private byte[] previousTail;
    private long totalIn;
    private boolean finished;

    ParallelGzipOutputStream(OutputStream out, ExecutorService executor, int threads, int level) throws IOException {
        this.out = out;
        this.executor = executor;
        this.level = level;
        this.window = Math.max(2, 2 * threads);
        this.deflaters = ThreadLocal.withInitial(() -> new Deflater(this.level, true));
        out.write(HEADER);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] data, int offset, int length) throws IOException {
        if (finished) {
            throw new IOException("gzip stream already finished");
        }
        crc.update(data, offset, length);
        totalIn += length;
        while (length > 0) {
            int n = Math.min(length, BLOCK_SIZE - filled);
            System.arraycopy(data, offset, block, filled, n);
            filled += n;
            offset += n;
            length -= n;
            if (filled == BLOCK_SIZE) {
                submit(false);
            }
        }
    }

    /** Compresses what is left, writes every piece in order and the trailer. Does not close the underlying stream. */
    void finish() throws IOException {
        if (finished) {
            return;
        }
        submit(true);
        while (!inFlight.isEmpty()) {
            writeOldest();
        }
        long crcValue = crc.getValue();
        byte[] trailer = new byte[8];
        for (int i = 0; i < 4; i++) {
            trailer[i] = (byte) (crcValue >>> (8 * i));
            trailer[4 + i] = (byte) (totalIn >>> (8 * i));
        }
        out.write(trailer);
        finished = true;
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        try {
            finish();
        } finally {
            out.close();
        }
    }

    private void submit(boolean last) throws IOException {
        byte[] input = block;
        int length = filled;
        byte[] dictionary = previousTail;
        if (length >= DICTIONARY) {
            previousTail = Arrays.copyOfRange(input, length - DICTIONARY, length);
        } else if (length > 0) {
            byte[] tail = dictionary == null ? new byte[0] : dictionary;
            byte[] joined = Arrays.copyOf(tail, tail.length + length);
            System.arraycopy(input, 0, joined, tail.length, length);
            previousTail = Arrays.copyOfRange(joined, Math.max(0, joined.length - DICTIONARY), joined.length);
        }
        if (inFlight.size() >= window) {
            writeOldest();
        }
        inFlight.add(executor.submit(() -> deflate(input, length, dictionary, last)));
        block = new byte[BLOCK_SIZE];
        filled = 0;
    }

    private byte[] deflate(byte[] input, int length, byte[] dictionary, boolean last) {
        Deflater deflater = deflaters.get();
        deflater.reset();
        if (dictionary != null) {
            deflater.setDictionary(dictionary);
        }
        deflater.setInput(input, 0, length);
        if (last) {
            deflater.finish();
        }
        byte[] output = new byte[length + length / 8 + 256];
        int size = 0;
        if (last) {
            while (!deflater.finished()) {
                if (size == output.length) {
                    output = Arrays.copyOf(output, output.length * 2);
                }
                size += deflater.deflate(output, size, output.length - size);
            }
        } else {
            // a sync flush is complete once deflate leaves part of the space it was given unused
            while (true) {
                if (size == output.length) {
                    output = Arrays.copyOf(output, output.length * 2);
                }
                int space = output.length - size;
                int n = deflater.deflate(output, size, space, Deflater.SYNC_FLUSH);
                size += n;
                if (n < space) {
                    break;
                }
            }
        }
        return Arrays.copyOf(output, size);
    }

    private void writeOldest() throws IOException {
        try {
            out.write(inFlight.poll().get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while compressing");
        } catch (ExecutionException e) {
            throw new IOException("compression failed", e.getCause());
        }
    }
}
