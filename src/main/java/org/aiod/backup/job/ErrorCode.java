package org.aiod.backup.job;

import org.aiod.backup.engine.BackupException;

/**
 * The service's one vocabulary of errors: the {@code code} of a failed or rejected job (journal, events), of an HTTP
 * problem, and what decides the HTTP status of that problem and the exit status of the command line.
 *
 * <p>A code's wire string is its {@link #name()}: callers branch on it, so a constant is never renamed. Each constant
 * carries the HTTP status a problem with that code answers, and the command line's exit status when a command ends
 * with it (1 for every code today: the command line tells failures apart by its message, see
 * {@code cli.CommandLineTool}). The only codes not listed here are the ones the HTTP layer derives from a status it
 * did not choose (a 405 from the REST layer is {@code METHOD_NOT_ALLOWED}, an unnamed status {@code HTTP_<status>}).
 */
public enum ErrorCode {

    // a command or request that can never be valid, whatever is on disk
    /** A command is malformed: a field missing, of the wrong type, out of range, or unknown (AMQP), or no body. */
    INVALID_COMMAND(400, ExitStatus.FAILED),
    /** The dataset name breaks the rule of {@link org.aiod.backup.engine.DatasetName}. */
    INVALID_DATASET(400, ExitStatus.FAILED),
    /**
     * A path cannot be taken: a restore path not relative or with {@code ..}, a target overlapping the dataset or the
     * backups, a browsed path that is malformed or names a directory where a file is asked for, or the reverse.
     */
    INVALID_PATH(400, ExitStatus.FAILED),
    /** An HTTP body of the wrong shape: not an object, a field of the wrong type or unknown, a bad request id. */
    INVALID_BODY(400, ExitStatus.FAILED),
    /** An HTTP body that is not JSON. */
    MALFORMED_JSON(400, ExitStatus.FAILED),
    /** A job state filter that is not a state. */
    INVALID_STATUS(400, ExitStatus.FAILED),
    /** A plan page's {@code kind}, {@code offset} or {@code limit} that is not one ({@code GET /api/jobs/{id}/plan}). */
    INVALID_PAGE(400, ExitStatus.FAILED),
    /** A request target that is not a valid URI. */
    MALFORMED_URI(400, ExitStatus.FAILED),
    /** A request whose headers cannot be read (a Content-Length that is not a number). */
    MALFORMED_REQUEST(400, ExitStatus.FAILED),
    /** A body sent without a length (chunked). */
    LENGTH_REQUIRED(411, ExitStatus.FAILED),
    /** A body over the service's limit. */
    BODY_TOO_LARGE(413, ExitStatus.FAILED),
    /** A request target over the service's limit. */
    URI_TOO_LONG(414, ExitStatus.FAILED),

    // the caller
    /** No credentials, or credentials not accepted. */
    UNAUTHENTICATED(401, ExitStatus.FAILED),
    /** The caller's roles do not allow the request. */
    FORBIDDEN(403, ExitStatus.FAILED),
    /** A restore's target, named over HTTP or AMQP, is not under one of {@code backup.restore.allowed-targets}. */
    TARGET_NOT_ALLOWED(403, ExitStatus.FAILED),

    // something named does not exist
    /** The dataset is not one this service manages. */
    UNKNOWN_DATASET(404, ExitStatus.FAILED),
    /** The dataset's directory is missing (and it has no backups, for the engine). */
    DATASET_NOT_FOUND(404, ExitStatus.FAILED),
    /** The dataset has no such cycle (with a complete level 0). */
    NO_SUCH_CYCLE(404, ExitStatus.FAILED),
    /** The cycle has no such level. */
    NO_SUCH_LEVEL(404, ExitStatus.FAILED),
    /** A path asked for (restored, listed or downloaded) is not in the level. */
    NO_SUCH_PATH(404, ExitStatus.FAILED),
    /** A point-in-time restore: no restorable level was completed at or before the instant asked for. */
    NO_LEVEL_AT(404, ExitStatus.FAILED),
    /** No job has that id. */
    UNKNOWN_JOB(404, ExitStatus.FAILED),
    /** The job has no plan whose lists are kept: not a dry run, not run yet, or run before plans were kept. */
    NO_PLAN(404, ExitStatus.FAILED),

    // the request is well formed, but the state of things does not allow it until it changes: a conflict, not a bad
    // request (422 would say the request itself is wrong, and no other request text could succeed)
    /** A request id reused for another command. */
    REQUEST_ID_CONFLICT(409, ExitStatus.FAILED),
    /** Another run held the dataset's lock for longer than the configured wait. */
    LOCK_TIMEOUT(409, ExitStatus.FAILED),
    /** A level before the one asked for is missing from its cycle. */
    CHAIN_BROKEN(409, ExitStatus.FAILED),
    /** The dataset's path is a symbolic link or another kind of file, not a directory. */
    DATASET_NOT_A_DIRECTORY(409, ExitStatus.FAILED),
    /** The restore's target directory is not empty and overwriting it was not asked for. */
    TARGET_NOT_EMPTY(409, ExitStatus.FAILED),

    // the service
    /** The job queue is full: retry later. */
    QUEUE_FULL(503, ExitStatus.FAILED),
    /** An archive or snapshot fails its checksum or cannot be read. */
    CORRUPT_ARCHIVE(500, ExitStatus.FAILED),
    /**
     * A verify ran and found damage: an archive that fails its checksum or is unreadable, a level missing from its
     * cycle, or a drill whose test restore differs from the archive or the snapshot. The job carries the per-level
     * results ({@code verify}). A verify that could not run at all ends with the cause's own code.
     */
    VERIFY_FAILED(500, ExitStatus.FAILED),
    /** An archive member would land outside the dataset. */
    UNSAFE_MEMBER(500, ExitStatus.FAILED),
    /** The backup root cannot be written. */
    NOT_WRITABLE(500, ExitStatus.FAILED),
    /** The file system ran out of space. */
    DISK_FULL(500, ExitStatus.FAILED),
    /**
     * A backup refused before writing: its level could need more bytes than the backup root's file system has free.
     * 507 Insufficient Storage (RFC 4918): the service cannot store what the request needs; nothing was written.
     */
    INSUFFICIENT_SPACE(507, ExitStatus.FAILED),
    /**
     * A dataset's {@code before-*} hook ({@code backup.hooks.*}) failed (exit status not 0, timed out, or not
     * startable) with {@code on-error=fail}: the backup or restore was not run, nothing was written. The job's
     * {@code hooks} say what the hook printed.
     */
    HOOK_FAILED(500, ExitStatus.FAILED),
    /**
     * A level fetched from the off-site store ({@code backup.offsite.*}) for a restore or {@code fetch} is not what
     * the store's {@code SHA256SUMS} or the object's recorded {@code sha256} says: it was discarded, nothing was
     * written into the backup root.
     */
    OFFSITE_CORRUPT(500, ExitStatus.FAILED),
    /**
     * The off-site store could not be read when a restore or {@code fetch} needed it (unreachable, refused, or a
     * transfer broke off); nothing half-fetched was left. 502: the service depends on the store that failed.
     */
    OFFSITE_UNAVAILABLE(502, ExitStatus.FAILED),
    /** The JVM cannot represent file names faithfully. */
    UNSUPPORTED_ENVIRONMENT(500, ExitStatus.FAILED),
    /** Any other I/O failure. */
    IO_ERROR(500, ExitStatus.FAILED),
    /** The job was running when the service stopped. */
    INTERRUPTED(500, ExitStatus.FAILED),
    /** A failure the service did not foresee: a bug, or a resource it could not get. */
    INTERNAL_ERROR(500, ExitStatus.FAILED);

    /** The command line's exit statuses that a code can end with. */
    private static final class ExitStatus {
        /** The command failed; the reason is on standard error. */
        static final int FAILED = 1;
    }

    private final int httpStatus;
    private final int exitStatus;

    ErrorCode(int httpStatus, int exitStatus) {
        this.httpStatus = httpStatus;
        this.exitStatus = exitStatus;
    }

    /** The status of an HTTP problem with this code. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The command line's exit status when a command ends with this code. */
    public int exitStatus() {
        return exitStatus;
    }

    /** The code of an engine failure kind: the one place where the engine's kinds meet the service's codes. */
    public static ErrorCode of(BackupException.Kind kind) {
        return switch (kind) {
            case DATASET_NOT_FOUND -> DATASET_NOT_FOUND;
            case INVALID_DATASET -> INVALID_DATASET;
            case NO_SUCH_CYCLE -> NO_SUCH_CYCLE;
            case NO_SUCH_LEVEL -> NO_SUCH_LEVEL;
            case NO_LEVEL_AT -> NO_LEVEL_AT;
            case CHAIN_BROKEN -> CHAIN_BROKEN;
            case DATASET_NOT_A_DIRECTORY -> DATASET_NOT_A_DIRECTORY;
            case LOCK_TIMEOUT -> LOCK_TIMEOUT;
            case CORRUPT_ARCHIVE -> CORRUPT_ARCHIVE;
            case UNSAFE_MEMBER -> UNSAFE_MEMBER;
            case NOT_WRITABLE -> NOT_WRITABLE;
            case DISK_FULL -> DISK_FULL;
            case UNSUPPORTED_ENVIRONMENT -> UNSUPPORTED_ENVIRONMENT;
            case IO_ERROR -> IO_ERROR;
            case INVALID_PATH -> INVALID_PATH;
            case NO_SUCH_PATH -> NO_SUCH_PATH;
            case TARGET_NOT_EMPTY -> TARGET_NOT_EMPTY;
            case INSUFFICIENT_SPACE -> INSUFFICIENT_SPACE;
            case OFFSITE_CORRUPT -> OFFSITE_CORRUPT;
            case OFFSITE_UNAVAILABLE -> OFFSITE_UNAVAILABLE;
        };
    }

    /** The code of an engine failure. */
    public static ErrorCode of(BackupException failure) {
        return of(failure.kind());
    }
}
