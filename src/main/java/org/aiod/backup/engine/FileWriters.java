package org.aiod.backup.engine;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;

/**
 * Writes small restored files on other threads while the archive is read on this one: creating, writing and
 * stamping a file is system calls, which other cores can make while this one parses. Files go to the writers in
 * batches of up to {@link #BATCH_FILES} files or {@link #BATCH_BYTES} bytes, written in order, so that handing
 * work over (a wake-up of a parked thread each time) is not paid per file. At most {@link #WINDOW} batches are in
 * flight (so memory stays bounded), and callers wait for all of them before any member whose effect depends on the
 * files before it. The threads are {@link ReadAhead}'s writers.
 *
 * <p>The files' bytes are read into the batch's own buffer ({@link #room}), one of a few reused for the whole
 * restore, not into a new array per file: a gigabyte of small files would otherwise be a gigabyte of fresh heap,
 * zeroed and collected.
 */
final class FileWriters {

    private static final int WINDOW = 8;
    static final int BATCH_FILES = 64;
    static final long BATCH_BYTES = 1 << 20;

    /** A batch never holds more than this: it is sent once it holds {@link #BATCH_BYTES}, and a file is small. */
    private static final int BUFFER_BYTES = (int) BATCH_BYTES + ReadAhead.SMALL_FILE;

    /** Where a file's bytes go: {@code array} from {@code offset}. */
    record Room(byte[] array, int offset) {
    }

    private final ArrayDeque<Future<Void>> inFlight = new ArrayDeque<>();
    private List<Callable<Void>> batch = new ArrayList<>();
    private long batchBytes;
    /** The buffer of the batch being filled, {@code null} until its first file. */
    private byte[] buffer;
    /** The batches' buffers not in use: one per batch in flight, one being filled, and one being given back. */
    private final java.util.concurrent.ArrayBlockingQueue<byte[]> freeBuffers =
            new java.util.concurrent.ArrayBlockingQueue<>(WINDOW + 2);

    private FileWriters() {
    }

    static FileWriters forThisMachine() {
        return new FileWriters();
    }

    /** Whether a file of {@code size} bytes is written on another thread. */
    boolean takes(long size) {
        return ReadAhead.canWriteBehind() && size <= ReadAhead.SMALL_FILE;
    }

    /**
     * Room for the bytes of the next file submitted, {@code size} of them (one {@link #takes} takes), in the
     * batch's buffer; valid until that file is {@link #submit}ted and written.
     */
    Room room(int size) {
        if (buffer == null) {
            buffer = freeBuffers.poll();
            if (buffer == null) {
                buffer = new byte[BUFFER_BYTES];
            }
        }
        return new Room(buffer, (int) batchBytes);
    }

    /**
     * Writes a file of {@code size} bytes on a writer thread, after the files submitted before it; its bytes are
     * where {@link #room} said.
     */
    void submit(Callable<Void> write, long size) throws IOException {
        batch.add(write);
        batchBytes += size;
        if (batch.size() >= BATCH_FILES || batchBytes >= BATCH_BYTES) {
            flush();
        }
    }

    private void flush() throws IOException {
        if (batch.isEmpty()) {
            return;
        }
        List<Callable<Void>> writes = batch;
        byte[] bytes = buffer;
        batch = new ArrayList<>();
        batchBytes = 0;
        buffer = null;
        if (inFlight.size() >= WINDOW) {
            awaitOldest(); // a failure here drops this batch unstarted: the restore fails
        }
        inFlight.add(ReadAhead.writeBehind(() -> {
            // in order; the first failure ends the batch (the restore fails and its staging directory goes)
            try {
                for (Callable<Void> write : writes) {
                    write.call();
                }
            } finally {
                if (bytes != null) {
                    freeBuffers.offer(bytes);
                }
            }
            return null;
        }));
    }

    /** Waits for every write submitted; the first failure is thrown, after all have ended. */
    void awaitAll() throws IOException {
        IOException ioFailure = null;
        RuntimeException failure = null;
        try {
            flush();
        } catch (IOException e) {
            ioFailure = e;
        } catch (RuntimeException e) {
            failure = e;
        }
        while (!inFlight.isEmpty()) {
            try {
                awaitOldest();
            } catch (IOException e) {
                ioFailure = ioFailure == null ? e : ioFailure;
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
        if (ioFailure != null) {
            throw ioFailure;
        }
    }

    private void awaitOldest() throws IOException {
        ReadAhead.await(inFlight.poll(), "writing restored files");
    }
}
