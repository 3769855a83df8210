package org.aiod.backup.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What the engine needs to know, with defaults for everything but the two roots.
 *
 * @param dataRoot     directory holding one sub-directory per dataset ({@code /opt/data})
 * @param backupRoot   directory holding one backup directory per dataset ({@code /opt/backups/data})
 * @param cycleLength  levels per cycle: a cycle holds levels {@code 0..cycleLength-1} (legacy default 7)
 * @param lockTimeout  how long a run waits for another run on the same dataset before giving up
 * @param gzipLevel    deflate level of the archives, 1 (fast) to 9 (small); 6 is gzip's own default
 * @param startTimeMargin how far before its real start a level's start time is recorded in the snapshot. File
 *                     systems stamp files with a coarse clock that can lag the one the engine reads; without a
 *                     margin, a file changed just after a level started could look older than the level and be
 *                     missed by the next one. With it, such files are merely written once more.
 * @param compressionThreads threads compressing an archive; 1 uses the JDK's single-threaded gzip, more cut the
 *                     archive into blocks compressed in parallel (still one standard gzip stream)
 */
public record EngineOptions(Path dataRoot, Path backupRoot, int cycleLength, Duration lockTimeout, int gzipLevel,
        Duration startTimeMargin, int compressionThreads) {

    public static final int DEFAULT_CYCLE_LENGTH = 7;
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofMinutes(10);
    public static final int DEFAULT_GZIP_LEVEL = 6;
    public static final Duration DEFAULT_START_TIME_MARGIN = Duration.ofSeconds(1);

    public EngineOptions {
        Objects.requireNonNull(dataRoot, "dataRoot");
        Objects.requireNonNull(backupRoot, "backupRoot");
        Objects.requireNonNull(lockTimeout, "lockTimeout");
        Objects.requireNonNull(startTimeMargin, "startTimeMargin");
        if (startTimeMargin.isNegative()) {
            throw new IllegalArgumentException("startTimeMargin must not be negative, was " + startTimeMargin);
        }
        if (cycleLength < 1) {
            throw new IllegalArgumentException("cycleLength must be at least 1, was " + cycleLength);
        }
        if (lockTimeout.isNegative()) {
            throw new IllegalArgumentException("lockTimeout must not be negative, was " + lockTimeout);
        }
        if (compressionThreads < 1) {
            throw new IllegalArgumentException("compressionThreads must be at least 1, was " + compressionThreads);
        }
        if (gzipLevel < 1 || gzipLevel > 9) {
            throw new IllegalArgumentException("gzipLevel must be 1..9, was " + gzipLevel);
        }
        dataRoot = dataRoot.toAbsolutePath().normalize();
        backupRoot = backupRoot.toAbsolutePath().normalize();
    }

    public EngineOptions(Path dataRoot, Path backupRoot, int cycleLength, Duration lockTimeout, int gzipLevel) {
        this(dataRoot, backupRoot, cycleLength, lockTimeout, gzipLevel, DEFAULT_START_TIME_MARGIN,
                Runtime.getRuntime().availableProcessors());
    }

    /** Options with every default applied. */
    public static EngineOptions defaults(Path dataRoot, Path backupRoot) {
        return new EngineOptions(dataRoot, backupRoot, DEFAULT_CYCLE_LENGTH, DEFAULT_LOCK_TIMEOUT, DEFAULT_GZIP_LEVEL);
    }

    public EngineOptions withCycleLength(int length) {
        return new EngineOptions(dataRoot, backupRoot, length, lockTimeout, gzipLevel, startTimeMargin, compressionThreads);
    }

    public EngineOptions withLockTimeout(Duration timeout) {
        return new EngineOptions(dataRoot, backupRoot, cycleLength, timeout, gzipLevel, startTimeMargin, compressionThreads);
    }

    public EngineOptions withGzipLevel(int level) {
        return new EngineOptions(dataRoot, backupRoot, cycleLength, lockTimeout, level, startTimeMargin, compressionThreads);
    }

    public EngineOptions withStartTimeMargin(Duration margin) {
        return new EngineOptions(dataRoot, backupRoot, cycleLength, lockTimeout, gzipLevel, margin, compressionThreads);
    }

    public EngineOptions withCompressionThreads(int threads) {
        return new EngineOptions(dataRoot, backupRoot, cycleLength, lockTimeout, gzipLevel, startTimeMargin, threads);
    }
}
