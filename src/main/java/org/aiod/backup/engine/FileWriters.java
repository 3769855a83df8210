package org.aiod.backup.engine;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;

/**
 * Writes small restored files on other threads while the archive is read on this one: creating, writing and
 * stamping a file is system calls, which other cores can make while this one inflates and parses. At most
 * {@link #WINDOW} files are in flight (so memory stays bounded), and callers wait for all of them before any member
 * whose effect depends on the files before it. The threads are {@link ReadAhead}'s writers.
 */
final class FileWriters {

    private static final int WINDOW = 256;

    private final ArrayDeque<Future<Void>> inFlight = new ArrayDeque<>();

    private FileWriters() {
    }

    static FileWriters forThisMachine() {
        return new FileWriters();
    }

    /** Whether a file of {@code size} bytes is written on another thread. */
    boolean takes(long size) {
        return ReadAhead.canWriteBehind() && size <= ReadAhead.SMALL_FILE;
    }

    void submit(Callable<Void> write) throws IOException {
        if (inFlight.size() >= WINDOW) {
            awaitOldest();
        }
        inFlight.add(ReadAhead.writeBehind(write));
    }

    /** Waits for every write in flight; the first failure is thrown, after all have ended. */
    void awaitAll() throws IOException {
        IOException ioFailure = null;
        RuntimeException failure = null;
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
