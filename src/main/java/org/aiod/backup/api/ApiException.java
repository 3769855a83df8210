package org.aiod.backup.api;

import java.util.Set;

import org.aiod.backup.job.Job;
import org.aiod.backup.job.JobError;

/**
 * Root of every failure the HTTP layer raises itself. Each subclass is one kind, whose status
 * {@link StatusTable} gives; {@link #code()} is the stable, machine-readable reason the problem reports.
 */
public abstract class ApiException extends RuntimeException {

    /** Rejection codes that name something that does not exist: the rest of the rejections are invalid input. */
    private static final Set<String> NOT_FOUND_CODES = Set.of("UNKNOWN_DATASET", "DATASET_NOT_FOUND", "NO_SUCH_CYCLE",
            "NO_SUCH_LEVEL");

    private final String code;
    private final String jobId;

    protected ApiException(String code, String detail, String jobId) {
        super(detail);
        this.code = code;
        this.jobId = jobId;
    }

    /** The job the command was recorded as, when it was (a rejected command is journaled like any other). */
    public String jobId() {
        return jobId;
    }

    public String code() {
        return code;
    }

    /** The failure a {@link org.aiod.backup.job.JobState#REJECTED REJECTED} job stands for. */
    static ApiException rejected(Job job) {
        JobError error = job.error();
        return NOT_FOUND_CODES.contains(error.code()) ? new NotFound(error.code(), error.message(), job.jobId())
                : new InvalidInput(error.code(), error.message(), job.jobId());
    }

    /** The request names a job, dataset, cycle or level that does not exist. */
    public static final class NotFound extends ApiException {
        NotFound(String code, String detail) {
            this(code, detail, null);
        }

        NotFound(String code, String detail, String jobId) {
            super(code, detail, jobId);
        }
    }

    /** The request is malformed or asks for something that can never be valid. */
    public static final class InvalidInput extends ApiException {
        InvalidInput(String code, String detail) {
            this(code, detail, null);
        }

        InvalidInput(String code, String detail, String jobId) {
            super(code, detail, jobId);
        }
    }

    /** The request contradicts an earlier one: a request id reused for another command. */
    public static final class Conflict extends ApiException {
        Conflict(String code, String detail, String jobId) {
            super(code, detail, jobId);
        }
    }
}
