package org.aiod.backup.api;

import org.aiod.backup.job.ErrorCode;
import org.aiod.backup.job.Job;
import org.aiod.backup.job.JobError;

/**
 * Root of every failure the HTTP layer raises itself. Each subclass is one kind, whose status
 * {@link StatusTable} gives; {@link #code()} is the stable, machine-readable reason the problem reports.
 */
public abstract class ApiException extends RuntimeException {

    private final ErrorCode code;
    private final String jobId;

    protected ApiException(ErrorCode code, String detail, String jobId) {
        super(detail);
        this.code = code;
        this.jobId = jobId;
    }

    /** The job the command was recorded as, when it was (a rejected command is journaled like any other). */
    public String jobId() {
        return jobId;
    }

    public ErrorCode code() {
        return code;
    }

    /**
     * The failure a {@link org.aiod.backup.job.JobState#REJECTED REJECTED} job stands for: not found when its code
     * names something that does not exist (its status is 404), not allowed when it is 403, else invalid input.
     */
    static ApiException rejected(Job job) {
        JobError error = job.error();
        return switch (error.errorCode().httpStatus()) {
            case 404 -> new NotFound(error.errorCode(), error.message(), job.jobId());
            case 403 -> new NotAllowed(error.errorCode(), error.message(), job.jobId());
            default -> new InvalidInput(error.errorCode(), error.message(), job.jobId());
        };
    }

    /** The request names a job, dataset, cycle or level that does not exist. */
    public static final class NotFound extends ApiException {
        NotFound(ErrorCode code, String detail) {
            this(code, detail, null);
        }

        NotFound(ErrorCode code, String detail, String jobId) {
            super(code, detail, jobId);
        }
    }

    /** The request is well formed but asks for what the caller may not have: a restore target not allowed. */
    public static final class NotAllowed extends ApiException {
        NotAllowed(ErrorCode code, String detail, String jobId) {
            super(code, detail, jobId);
        }
    }

    /** The request is malformed or asks for something that can never be valid. */
    public static final class InvalidInput extends ApiException {
        InvalidInput(ErrorCode code, String detail) {
            this(code, detail, null);
        }

        InvalidInput(ErrorCode code, String detail, String jobId) {
            super(code, detail, jobId);
        }
    }

    /** The request contradicts an earlier one: a request id reused for another command. */
    public static final class Conflict extends ApiException {
        Conflict(ErrorCode code, String detail, String jobId) {
            super(code, detail, jobId);
        }
    }
}
