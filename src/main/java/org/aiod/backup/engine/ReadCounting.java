package org.aiod.backup.engine;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * An archive's input that tells a {@link ProgressListener} how many of its bytes were read ({@link
 * ProgressListener#read}): one call per read of the file, which its readers make in 64 KiB buffers, so the count
 * costs nothing next to inflating them.
 */
final class ReadCounting extends FilterInputStream {

    private final ProgressListener listener;

    private ReadCounting(InputStream in, ProgressListener listener) {
        super(in);
        this.listener = listener;
    }

    /** {@code in} itself when nobody listens. */
    static InputStream of(InputStream in, ProgressListener listener) {
        return listener == ProgressListener.NONE ? in : new ReadCounting(in, listener);
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            listener.read(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            listener.read(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        if (skipped > 0) {
            listener.read(skipped);
        }
        return skipped;
    }
}
