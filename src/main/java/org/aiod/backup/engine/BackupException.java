package org.aiod.backup.engine;

/**
 * Root of every error the engine reports. Each subclass is one kind of failure with a stable {@link #code()}, so
 * that adapters map kinds (not messages) to statuses and events. Messages say what failed and where.
 */
public abstract class BackupException extends RuntimeException {

    protected BackupException(String message) {
        super(message);
    }

    protected BackupException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A stable, machine-readable name of the failure kind, such as {@code NO_SUCH_CYCLE}. */
    public abstract String code();

    /** The dataset directory is missing and the dataset has no backups either. */
    public static final class DatasetNotFound extends BackupException {
        public DatasetNotFound(String message) {
            super(message);
        }

        @Override
        public String code() {
            return "DATASET_NOT_FOUND";
        }
    }

    /** The dataset name is not a single safe path component. */
    public static final class InvalidDataset extends BackupException {
        public InvalidDataset(String message) {
            super(message);
        }

        @Override
        public String code() {
            return "INVALID_DATASET";
        }
    }

    /** The requested cycle has no complete level 0. */
    public static final class CycleNotFound extends BackupException {
        public CycleNotFound(String message) {
            super(message);
        }

        @Override
        public String code() {
            return "NO_SUCH_CYCLE";
        }
    }

    /** The requested level is not in the cycle. */
    public static final class LevelNotFound extends BackupException {
        public LevelNotFound(String message) {
            super(message);
        }

        @Override
        public String code() {
            return "NO_SUCH_LEVEL";
        }
    }

    /**
     * A level cannot be restored because a level before it is missing from its cycle: the chain of increments is
     * broken, and applying the levels around the gap would give a tree that never existed.
     */
    public static final class ChainBroken extends BackupException {
        public ChainBroken(String message) {
            super(message);
        }

        @Override
        public String code() {
            return "CHAIN_BROKEN";
        }
    }

    /**
     * The dataset's path in the data root is not a real directory: a symbolic link or another kind of file. The
     * engine never follows it, so nothing outside the data root is read, written or deleted through it.
     */
    public static final class NotADirectory extends BackupException {
        public NotADirectory(String message) {
            super(message);
        }

        @Override
        public String code() {
            return "DATASET_NOT_A_DIRECTORY";
        }
    }

    /** Another run holds the dataset's lock for longer than the configured wait. */
    public static final class LockTimeout extends BackupException {
        public LockTimeout(String message) {
            super(message);
        }

        @Override
        public String code() {
            return "LOCK_TIMEOUT";
        }
    }

    /** An archive or snapshot fails its checksum, is truncated, or is not a readable tar/gzip stream. */
    public static final class CorruptArchive extends BackupException {
        public CorruptArchive(String message, Throwable cause) {
            super(message, cause);
        }

        @Override
        public String code() {
            return "CORRUPT_ARCHIVE";
        }
    }

    /** An archive member would land outside the dataset: absolute, {@code ..}, or through a symlink. */
    public static final class UnsafeMember extends BackupException {
        public UnsafeMember(String message) {
            super(message);
        }

        @Override
        public String code() {
            return "UNSAFE_MEMBER";
        }
    }

    /** The backup root (or a directory under it) cannot be created or written. */
    public static final class NotWritable extends BackupException {
        public NotWritable(String message, Throwable cause) {
            super(message, cause);
        }

        @Override
        public String code() {
            return "NOT_WRITABLE";
        }
    }

    /** The file system ran out of space; nothing half-written was left behind. */
    public static final class DiskFull extends BackupException {
        public DiskFull(String message, Throwable cause) {
            super(message, cause);
        }

        @Override
        public String code() {
            return "DISK_FULL";
        }
    }

    /** The JVM cannot represent file names faithfully (not started with a UTF-8 locale). */
    public static final class UnsupportedEnvironment extends BackupException {
        public UnsupportedEnvironment(String message) {
            super(message);
        }

        @Override
        public String code() {
            return "UNSUPPORTED_ENVIRONMENT";
        }
    }

    /** Any other I/O failure, with the path it happened on. */
    public static final class IoFailure extends BackupException {
        public IoFailure(String message, Throwable cause) {
            super(message, cause);
        }

        @Override
        public String code() {
            return "IO_ERROR";
        }
    }
}
