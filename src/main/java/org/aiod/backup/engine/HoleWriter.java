package org.aiod.backup.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * Writes a restored file's content into a new, empty file, leaving holes: a block of {@link #BLOCK} bytes, aligned
 * in the file, that is all zeros is not written, and a hole of a sparse member is skipped without producing its
 * zeros. The file system reads unwritten ranges as zeros, so the content is the same; only the space differs. A
 * file that ends in a hole gets its last byte written, to give it its size (Java can extend a file only by writing;
 * that costs one block).
 */
final class HoleWriter {

    /** The block size of the file systems the engine writes to (ext4, xfs, btrfs, tmpfs on x86-64 and arm64). */
    static final int BLOCK = 4096;
    private static final byte[] ZEROS = new byte[BLOCK];

    private final FileChannel channel;
    /** Where the next byte of content goes. */
    private long position;
    /** The end of the last range written. */
    private long written;

    HoleWriter(FileChannel channel) {
        this.channel = channel;
    }

    /** Appends {@code length} bytes of content; aligned blocks of zeros among them become holes. */
    void write(byte[] data, int offset, int length) throws IOException {
        int pending = offset; // start of the bytes not yet written
        int i = offset;
        int end = offset + length;
        long at = position;
        while (i < end) {
            int n = (int) Math.min(end - i, BLOCK - at % BLOCK);
            if (n == BLOCK && Arrays.mismatch(data, i, i + BLOCK, ZEROS, 0, BLOCK) < 0) {
                writeAt(data, pending, i - pending, position + (pending - offset));
                pending = i + BLOCK;
            }
            i += n;
            at += n;
        }
        writeAt(data, pending, end - pending, position + (pending - offset));
        position += length;
    }

    /** Appends {@code length} zeros without writing them. */
    void skip(long length) {
        position += length;
    }

    /** The content's length so far. */
    long position() {
        return position;
    }

    /** Gives the file its full size when it ends in a hole. */
    void finish() throws IOException {
        if (position > written) {
            writeAt(new byte[1], 0, 1, position - 1);
        }
    }

    private void writeAt(byte[] data, int offset, int length, long at) throws IOException {
        if (length == 0) {
            return;
        }
        ByteBuffer buffer = ByteBuffer.wrap(data, offset, length);
        long target = at;
        while (buffer.hasRemaining()) {
            target += channel.write(buffer, target);
        }
        written = Math.max(written, target);
    }
}
