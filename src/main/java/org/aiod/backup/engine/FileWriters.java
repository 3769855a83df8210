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
 */
final class FileWriters {

    private static final int WINDOW = 8;
    static final int BATCH_FILES = 64;
    static final long BATCH_BYTES = 1 << 20;

    private final ArrayDeque<Future<Void>> inFlight = new ArrayDeque<>();
    private List<Callable<Void>> batch = new ArrayList<>();
    private long batchBytes;

    private FileWriters() {
    }

    static FileWriters forThisMachine() {
        return new FileWriters();
    }

    /** Whether a file of {@code size} bytes is written on another thread. */
    boolean takes(long size) {
        return ReadAhead.canWriteBehind() && size <= ReadAhead.SMALL_FILE;
    }

    /** Writes a file of {@code size} bytes on a writer thread, after the files submitted before it. */
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
        batch = new ArrayList<>();
        batchBytes = 0;
        if (inFlight.size() >= WINDOW) {
            awaitOldest(); // a failure here drops this batch unstarted: the restore fails
        }
        inFlight.add(ReadAhead.writeBehind(() -> {
            // in order; the first failure ends the batch (the restore fails and its staging directory goes)
            for (Callable<Void> write : writes) {
                write.call();
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
