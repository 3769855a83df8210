package org.aiod.backup.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One run per dataset at a time, across threads and processes: an in-JVM lock (file locks are per process) and an
 * OS lock on a file under the backup root's state directory, which the kernel releases when the process dies, so
 * that a killed run never leaves a stale lock.
 */
final class DatasetLock implements AutoCloseable {

    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();
    private static final long POLL_MILLIS = 50;

    private final ReentrantLock threadLock;
    private final FileChannel channel;
    private final FileLock fileLock;
    private final Duration waited;

    private DatasetLock(ReentrantLock threadLock, FileChannel channel, FileLock fileLock, Duration waited) {
        this.threadLock = threadLock;
        this.channel = channel;
        this.fileLock = fileLock;
        this.waited = waited;
    }

    static DatasetLock acquire(Path lockFile, String dataset, Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        ReentrantLock threadLock = IN_PROCESS.computeIfAbsent(lockFile.toAbsolutePath().normalize(),
                p -> new ReentrantLock(true));
        if (threadLock.isHeldByCurrentThread()) {
            // file locks are per process: a nested run on this thread would corrupt the one already running
            throw new BackupException.LockTimeout("dataset '" + dataset + "' is already locked by this thread");
        }
        try {
            if (!threadLock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw timeout(dataset, lockFile, timeout, "another run in this process");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupException.LockTimeout("interrupted while waiting for the lock of dataset '" + dataset + "'");
        }
        FileChannel channel = null;
        try {
            Files.createDirectories(lockFile.getParent());
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            while (true) {
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    channel.truncate(0);
                    channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n")
                            .getBytes(StandardCharsets.US_ASCII)), 0);
                    return new DatasetLock(threadLock, channel, lock, Duration.ofNanos(System.nanoTime() - start));
                }
                if (System.nanoTime() >= deadline) {
                    throw timeout(dataset, lockFile, timeout, "another process");
                }
                // the OS offers no timed file lock: poll
                Thread.sleep(POLL_MILLIS);
            }
        } catch (IOException e) {
            closeQuietly(channel);
            threadLock.unlock();
            throw FileOps.translate(e, "locking dataset '" + dataset + "' (" + lockFile + ")");
        } catch (InterruptedException e) {
            closeQuietly(channel);
            threadLock.unlock();
            Thread.currentThread().interrupt();
            throw new BackupException.LockTimeout("interrupted while waiting for the lock of dataset '" + dataset + "'");
        } catch (RuntimeException e) {
            closeQuietly(channel);
            threadLock.unlock();
            throw e;
        }
    }

    /** How long the caller waited for the lock. */
    Duration waited() {
        return waited;
    }

    private static BackupException.LockTimeout timeout(String dataset, Path lockFile, Duration timeout, String who) {
        return new BackupException.LockTimeout("dataset '" + dataset + "' is busy: " + who
                + " holds its lock (" + lockFile + "); gave up after " + timeout.toMillis() + " ms");
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing a lock file we could not lock: nothing to recover
            }
        }
    }

    @Override
    public void close() {
        try {
            fileLock.release();
            channel.close();
        } catch (IOException ignored) {
            // the kernel drops the lock with the descriptor in any case
        } finally {
            threadLock.unlock();
        }
    }
}
