package org.aiod.backup.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What the engine needs to know, with defaults for everything but the two roots: start from
 * {@link #defaults(Path, Path)} and change what differs with the {@code with...} methods.
 *
 * @param dataRoot           directory holding one sub-directory per dataset ({@code /opt/data})
 * @param backupRoot         directory holding one backup directory per dataset ({@code /opt/backups/data})
 * @param stateDir           the service's own state: locks, temporary files, restore staging records; by default
 *                           {@code <backupRoot>/}{@value #DEFAULT_STATE_DIR_NAME}. Archives are written in its
 *                           {@code tmp/} and renamed into place, so it must be on the backup root's file system
 * @param cycleLength        levels per cycle: a cycle holds levels {@code 0..cycleLength-1} (legacy default 7)
 * @param lockTimeout        how long a run waits for another run on the same dataset before giving up
 * @param compression        how new archives are compressed
 * @param compressionLevel   1 (fast) to 9 for gzip, where 6 is gzip's own default; 1 to 19 for zstd (default 3)
 * @param compressionThreads threads compressing one archive; with gzip, 1 uses the JDK's single-threaded
 *                           stream and more cut the archive into blocks compressed in parallel (still one
 *                           standard gzip stream)
 * @param startTimeMargin    how far before its real start a level's start time is recorded in the snapshot. File
 *                           systems stamp files with a coarse clock that can lag the one the engine reads;
 *                           without a margin, a file changed just after a level started could look older than the
 *                           level and be missed by the next one. With it, such files are merely written again.
 */
public record EngineOptions(Path dataRoot, Path backupRoot, Path stateDir, int cycleLength, Duration lockTimeout,
        Compression compression, int compressionLevel, int compressionThreads, Duration startTimeMargin) {

    public static final int DEFAULT_CYCLE_LENGTH = 7;
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofMinutes(10);
    public static final int DEFAULT_GZIP_LEVEL = 6;
    public static final int DEFAULT_ZSTD_LEVEL = 3;
    public static final Duration DEFAULT_START_TIME_MARGIN = Duration.ofSeconds(1);
    /**
     * The state directory's name inside the backup root, unless configured elsewhere. It starts with a dot, which no
     * dataset name does, so it can never be taken for a dataset.
     */
    public static final String DEFAULT_STATE_DIR_NAME = ".aiod-backup";

    public EngineOptions {
        Objects.requireNonNull(dataRoot, "dataRoot");
        Objects.requireNonNull(backupRoot, "backupRoot");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(lockTimeout, "lockTimeout");
        Objects.requireNonNull(compression, "compression");
        Objects.requireNonNull(startTimeMargin, "startTimeMargin");
        if (cycleLength < 1) {
            throw new IllegalArgumentException("cycleLength must be at least 1, was " + cycleLength);
        }
        if (lockTimeout.isNegative()) {
            throw new IllegalArgumentException("lockTimeout must not be negative, was " + lockTimeout);
        }
        int maxLevel = compression == Compression.GZIP ? 9 : 19;
        if (compressionLevel < 1 || compressionLevel > maxLevel) {
            throw new IllegalArgumentException("compression level of " + compression + " must be 1.." + maxLevel
                    + ", was " + compressionLevel);
        }
        if (compressionThreads < 1) {
            throw new IllegalArgumentException("compressionThreads must be at least 1, was " + compressionThreads);
        }
        if (startTimeMargin.isNegative()) {
            throw new IllegalArgumentException("startTimeMargin must not be negative, was " + startTimeMargin);
        }
        dataRoot = dataRoot.toAbsolutePath().normalize();
        backupRoot = backupRoot.toAbsolutePath().normalize();
        stateDir = stateDir.toAbsolutePath().normalize();
        requireOutsideDatasets(stateDir, dataRoot, "data root");
        requireOutsideDatasets(stateDir, backupRoot, "backup root");
    }

    /**
     * A state directory inside {@code root} must lie under a name starting with a dot: any other name there could be
     * a dataset (or its backups), whose files the state would mix with.
     */
    private static void requireOutsideDatasets(Path stateDir, Path root, String what) {
        if (stateDir.startsWith(root)
                && (stateDir.equals(root) || !root.relativize(stateDir).getName(0).toString().startsWith("."))) {
            throw new IllegalArgumentException("state directory " + stateDir + " must not be the " + what + " " + root
                    + " or lie in a dataset's directory there: use a name starting with '.' or a directory outside it");
        }
    }

    /** Options with every default applied: gzip at level 6 on every core, cycles of 7, a 10 minute lock wait. */
    public static EngineOptions defaults(Path dataRoot, Path backupRoot) {
        return new EngineOptions(dataRoot, backupRoot, backupRoot.resolve(DEFAULT_STATE_DIR_NAME), DEFAULT_CYCLE_LENGTH,
                DEFAULT_LOCK_TIMEOUT, Compression.GZIP, DEFAULT_GZIP_LEVEL, Runtime.getRuntime().availableProcessors(), DEFAULT_START_TIME_MARGIN);
    }

    /** Puts the service's state somewhere else than {@code <backupRoot>/}{@value #DEFAULT_STATE_DIR_NAME}. */
    public EngineOptions withStateDir(Path dir) {
        return new EngineOptions(dataRoot, backupRoot, dir, cycleLength, lockTimeout, compression, compressionLevel,
                compressionThreads, startTimeMargin);
    }

    public EngineOptions withCycleLength(int length) {
        return new EngineOptions(dataRoot, backupRoot, stateDir, length, lockTimeout, compression, compressionLevel,
                compressionThreads, startTimeMargin);
    }

    public EngineOptions withLockTimeout(Duration timeout) {
        return new EngineOptions(dataRoot, backupRoot, stateDir, cycleLength, timeout, compression, compressionLevel,
                compressionThreads, startTimeMargin);
    }

    /** Sets the compression and its default level. */
    public EngineOptions withCompression(Compression kind) {
        return new EngineOptions(dataRoot, backupRoot, stateDir, cycleLength, lockTimeout, kind,
                kind == Compression.GZIP ? DEFAULT_GZIP_LEVEL : DEFAULT_ZSTD_LEVEL, compressionThreads,
                startTimeMargin);
    }

    public EngineOptions withCompressionLevel(int level) {
        return new EngineOptions(dataRoot, backupRoot, stateDir, cycleLength, lockTimeout, compression, level,
                compressionThreads, startTimeMargin);
    }

    /** Kept for callers that think in gzip terms: the level of gzip compression. */
    public EngineOptions withGzipLevel(int level) {
        return withCompression(Compression.GZIP).withCompressionLevel(level);
    }

    public EngineOptions withCompressionThreads(int threads) {
        return new EngineOptions(dataRoot, backupRoot, stateDir, cycleLength, lockTimeout, compression,
                compressionLevel, threads, startTimeMargin);
    }

    public EngineOptions withStartTimeMargin(Duration margin) {
        return new EngineOptions(dataRoot, backupRoot, stateDir, cycleLength, lockTimeout, compression,
                compressionLevel, compressionThreads, margin);
    }
}
