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
 * when the window is full. A written block's input and output arrays are reused for the next blocks (an input once
 * the block after it, which read its last 32 KiB as dictionary, is written too), so a stream allocates its arrays
 * once rather than about 300 KiB per 128 KiB block.
 */
final class ParallelGzipOutputStream extends OutputStream {

    static final int BLOCK_SIZE = 128 * 1024;
    private static final int DICTIONARY = 32 * 1024;
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};

    private final OutputStream out;
    private final ExecutorService executor;
    private final int level;
    private final int window;
    private final ArrayDeque<Future<Deflated>> inFlight = new ArrayDeque<>();
    private final CRC32 crc = new CRC32();
    private final ThreadLocal<Deflater> deflaters;
    /** Input and output arrays of blocks already written, for the next blocks: no allocation per block. */
    private final ArrayDeque<byte[]> freeInputs = new ArrayDeque<>();
    private final ArrayDeque<byte[]> freeOutputs = new ArrayDeque<>();

    private byte[] block = new byte[BLOCK_SIZE];
    private int filled;
    /** The input of the block submitted last; its last 32 KiB are the next block's dictionary. */
    private byte[] previousInput;
    /** The input of the block written last: free once the block after it (which read its tail) is written. */
    private byte[] writtenInput;
    private long totalIn;
    private boolean finished;

    /** A deflated block: its input array (for reuse) and {@code length} bytes of deflate output. */
    private record Deflated(byte[] input, byte[] output, int length) {
    }

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
        // every block but the last is full, so the previous block's last 32 KiB are always a whole dictionary
        byte[] dictionary = previousInput;
        if (inFlight.size() >= window) {
            writeOldest();
        }
        byte[] output = freeOutputs.isEmpty() ? new byte[BLOCK_SIZE + BLOCK_SIZE / 8 + 256] : freeOutputs.poll();
        inFlight.add(executor.submit(() -> deflate(input, length, dictionary, output, last)));
        previousInput = input;
        block = freeInputs.isEmpty() ? new byte[BLOCK_SIZE] : freeInputs.poll();
        filled = 0;
    }

    private Deflated deflate(byte[] input, int length, byte[] dictionary, byte[] output, boolean last) {
        Deflater deflater = deflaters.get();
        deflater.reset();
        if (dictionary != null) {
            deflater.setDictionary(dictionary, BLOCK_SIZE - DICTIONARY, DICTIONARY);
        }
        deflater.setInput(input, 0, length);
        if (last) {
            deflater.finish();
        }
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
        return new Deflated(input, output, size);
    }

    private void writeOldest() throws IOException {
        try {
            Deflated deflated = inFlight.poll().get();
            out.write(deflated.output(), 0, deflated.length());
            freeOutputs.add(deflated.output());
            if (writtenInput != null) {
                freeInputs.add(writtenInput); // the block just written read its tail as dictionary, and is done
            }
            writtenInput = deflated.input();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while compressing");
        } catch (ExecutionException e) {
            throw new IOException("compression failed", e.getCause());
        }
    }
}
