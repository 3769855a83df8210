package org.aiod.backup.engine;

/**
 * Root of every error the engine reports. Each subclass is one kind of failure with a stable {@link #kind()}, so
 * that adapters map kinds (not messages) to statuses and events. Messages say what failed and where.
 */
public abstract class BackupException extends RuntimeException {

    /**
     * The kinds of failure, one per subclass. The engine knows nothing of the service's error codes; the job layer
     * maps each kind to one in a single exhaustive switch ({@code ErrorCode.of}), so a kind added here does not
     * compile until it has a code. Each kind is named as that code, which {@link #code()} gives.
     */
    public enum Kind {
        DATASET_NOT_FOUND, INVALID_DATASET, NO_SUCH_CYCLE, NO_SUCH_LEVEL, NO_LEVEL_AT, CHAIN_BROKEN,
        DATASET_NOT_A_DIRECTORY, LOCK_TIMEOUT, CORRUPT_ARCHIVE, UNSAFE_MEMBER, NOT_WRITABLE, DISK_FULL,
        UNSUPPORTED_ENVIRONMENT, IO_ERROR, INVALID_PATH, NO_SUCH_PATH, TARGET_NOT_EMPTY, INSUFFICIENT_SPACE,
        OFFSITE_CORRUPT, OFFSITE_UNAVAILABLE
    }

    private final Kind kind;

    protected BackupException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    protected BackupException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** What kind of failure this is. */
    public final Kind kind() {
        return kind;
    }

    /** A stable, machine-readable name of the failure kind, such as {@code NO_SUCH_CYCLE}: the kind's name. */
    public final String code() {
        return kind.name();
    }

    /** The dataset directory is missing and the dataset has no backups either. */
    public static final class DatasetNotFound extends BackupException {
        public DatasetNotFound(String message) {
            super(Kind.DATASET_NOT_FOUND, message);
        }
    }

    /** The dataset name is not a single safe path component. */
    public static final class InvalidDataset extends BackupException {
        public InvalidDataset(String message) {
            super(Kind.INVALID_DATASET, message);
        }
    }

    /** The requested cycle has no complete level 0. */
    public static final class CycleNotFound extends BackupException {
        public CycleNotFound(String message) {
            super(Kind.NO_SUCH_CYCLE, message);
        }
    }

    /** The requested level is not in the cycle. */
    public static final class LevelNotFound extends BackupException {
        public LevelNotFound(String message) {
            super(Kind.NO_SUCH_LEVEL, message);
        }
    }

    /**
     * No restorable level of the dataset was completed at or before the instant asked for (a point-in-time restore):
     * the instant is before its earliest level, or it has none.
     */
    public static final class NoLevelAt extends BackupException {
        public NoLevelAt(String message) {
            super(Kind.NO_LEVEL_AT, message);
        }
    }

    /**
     * A level cannot be restored because a level before it is missing from its cycle: the chain of increments is
     * broken, and applying the levels around the gap would give a tree that never existed.
     */
    public static final class ChainBroken extends BackupException {
        public ChainBroken(String message) {
            super(Kind.CHAIN_BROKEN, message);
        }
    }

    /**
     * The dataset's path in the data root is not a real directory: a symbolic link or another kind of file. The
     * engine never follows it, so nothing outside the data root is read, written or deleted through it.
     */
    public static final class NotADirectory extends BackupException {
        public NotADirectory(String message) {
            super(Kind.DATASET_NOT_A_DIRECTORY, message);
        }
    }

    /**
     * A path cannot be taken: a restore's subset path that is absolute, has {@code ..} or is empty, a target directory
     * that is, contains or lies in the dataset directory or the backup root; a browsed path that is malformed (a bad
     * escape) or of the wrong type (a directory where a file's content is asked for, a file where a listing is).
     */
    public static final class InvalidPath extends BackupException {
        public InvalidPath(String message) {
            super(Kind.INVALID_PATH, message);
        }
    }

    /** A path asked for (restored, listed or downloaded) is not in the tree of the level. */
    public static final class NoSuchPath extends BackupException {
        public NoSuchPath(String message) {
            super(Kind.NO_SUCH_PATH, message);
        }
    }

    /** The restore's target directory exists and is not empty, and the spec does not say to overwrite it. */
    public static final class TargetNotEmpty extends BackupException {
        public TargetNotEmpty(String message) {
            super(Kind.TARGET_NOT_EMPTY, message);
        }
    }

    /** Another run holds the dataset's lock for longer than the configured wait. */
    public static final class LockTimeout extends BackupException {
        public LockTimeout(String message) {
            super(Kind.LOCK_TIMEOUT, message);
        }
    }

    /** An archive or snapshot fails its checksum, is truncated, or is not a readable tar/gzip stream. */
    public static final class CorruptArchive extends BackupException {
        public CorruptArchive(String message, Throwable cause) {
            super(Kind.CORRUPT_ARCHIVE, message, cause);
        }
    }

    /** An archive member would land outside the dataset: absolute, {@code ..}, or through a symlink. */
    public static final class UnsafeMember extends BackupException {
        public UnsafeMember(String message) {
            super(Kind.UNSAFE_MEMBER, message);
        }
    }

    /** The backup root (or a directory under it) cannot be created or written. */
    public static final class NotWritable extends BackupException {
        public NotWritable(String message, Throwable cause) {
            super(Kind.NOT_WRITABLE, message, cause);
        }
    }

    /** The file system ran out of space; nothing half-written was left behind. */
    public static final class DiskFull extends BackupException {
        public DiskFull(String message, Throwable cause) {
            super(Kind.DISK_FULL, message, cause);
        }
    }

    /**
     * A backup refused before it wrote anything to its cycle: the level could need more bytes than the backup root's
     * file system has free (see docs/design.md, "The disk guard"). Unlike {@link DiskFull}, nothing ran out.
     */
    public static final class InsufficientSpace extends BackupException {
        private final long needed;
        private final long free;

        public InsufficientSpace(String message, long needed, long free) {
            super(Kind.INSUFFICIENT_SPACE, message);
            this.needed = needed;
            this.free = free;
        }

        /** The upper bound of the level's archive, in bytes. */
        public long needed() {
            return needed;
        }

        /** What the backup root's file system had usable, in bytes. */
        public long free() {
            return free;
        }
    }

    /** The JVM cannot represent file names faithfully (not started with a UTF-8 locale). */
    public static final class UnsupportedEnvironment extends BackupException {
        public UnsupportedEnvironment(String message) {
            super(Kind.UNSUPPORTED_ENVIRONMENT, message);
        }
    }

    /**
     * A file downloaded from the off-site store is not what the store's {@code SHA256SUMS} (or the object's recorded
     * {@code sha256} or size) says it must be: it was discarded, nothing of it was written into the backup root.
     */
    public static final class OffsiteCorrupt extends BackupException {
        public OffsiteCorrupt(String message) {
            super(Kind.OFFSITE_CORRUPT, message);
        }
    }

    /** The off-site store could not be read (unreachable, refused, or a transfer broke off). */
    public static final class OffsiteUnavailable extends BackupException {
        public OffsiteUnavailable(String message, Throwable cause) {
            super(Kind.OFFSITE_UNAVAILABLE, message, cause);
        }
    }

    /** Any other I/O failure, with the path it happened on. */
    public static final class IoFailure extends BackupException {
        public IoFailure(String message, Throwable cause) {
            super(Kind.IO_ERROR, message, cause);
        }
    }

}
