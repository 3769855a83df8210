package org.aiod.backup.engine;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The engine's worker threads besides compression's: the backup reads directories and small files ahead of the
 * thread that writes the archive, and the restore writes small files behind the thread that reads it. The pools
 * are shared by every engine in the process (cores are a machine-wide resource) and made of daemon threads, so an
 * engine never has to be shut down. The restore also decompresses each archive on a thread of its own, ahead of
 * the thread that parses and writes its members ({@link InflatingReadAhead}). Work submitted here touches no state
 * of a run: it reads the file system (or writes one file) and hands back its result, which the run's own thread
 * takes in order.
 */
final class ReadAhead {

    /** Directories the backup reads ahead of the one it is writing: lstat is most of an incremental. */
    static final int DIRECTORIES = 32;
    /** Files the backup looks at ahead of the one it is writing. */
    static final int FILES = 64;
    /** Regular files up to this size are read ahead whole by the backup (and written behind by the restore). */
    static final int SMALL_FILE = 256 * 1024;

    /** The threads that read ahead for every backup in the process. */
    static final int SCANNER_THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());

    private static final ExecutorService SCANNERS = daemonPool("aiod-scan", SCANNER_THREADS);

    /** The restore's writers; none on a machine with one core, where the reading thread writes every file. */
    private static final ExecutorService WRITERS = Runtime.getRuntime().availableProcessors() < 2 ? null
            : daemonPool("aiod-restore-writer", Math.max(1, Runtime.getRuntime().availableProcessors() - 1));

    /**
     * The restore's decompressing threads, one per archive being restored ({@link InflatingReadAhead}): a thread
     * per restore running, not a fixed number, since each one's restore waits for it.
     */
    private static final ExecutorService INFLATERS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "aiod-restore-inflate");
        thread.setDaemon(true);
        return thread;
    });

    private ReadAhead() {
    }

    /** Reads and decompresses an archive of the restore on a decompressing thread. */
    static Future<Void> inflate(Callable<Void> read) {
        return INFLATERS.submit(read);
    }

    /** Reads (a directory or a file of the backup) on a scanner thread. */
    static <T> Future<T> read(Callable<T> read) {
        return SCANNERS.submit(read);
    }

    /** Whether the restore can write files on other threads. */
    static boolean canWriteBehind() {
        return WRITERS != null;
    }

    /** Writes (a file of the restore) on a writer thread; only when {@link #canWriteBehind()}. */
    static Future<Void> writeBehind(Callable<Void> write) {
        return WRITERS.submit(write);
    }

    /**
     * The result of work done on another thread, with its I/O or runtime failure rethrown as is.
     *
     * @param doing what the waiting thread is doing, for the message of an interruption
     */
    static <T> T await(Future<T> future, String doing) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while " + doing);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(cause);
        }
    }

    /** A fixed pool of daemon threads, each named {@code name}. */
    static ExecutorService daemonPool(String name, int threads) {
        return Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }
}
