package org.aiod.backup.job;

/** The closed set of states a job can be in. */
public enum JobState {
    /** Accepted and waiting for a worker (and for earlier jobs of its dataset). */
    QUEUED,
    /** A worker is running it. */
    RUNNING,
    /** Finished; the backup or restore is complete. */
    SUCCEEDED,
    /**
     * Finished and committed, but without some files the dataset has (they could not be read: permission denied,
     * an I/O error); the job's {@code missed} lists them. Not a success: it needs an operator.
     */
    PARTIAL,
    /** Ran, or was interrupted, and did not complete; nothing half-written was left. */
    FAILED,
    /** Never ran: the command was invalid or named something that does not exist. */
    REJECTED;

    public boolean isFinal() {
        return this == SUCCEEDED || this == PARTIAL || this == FAILED || this == REJECTED;
    }
}
