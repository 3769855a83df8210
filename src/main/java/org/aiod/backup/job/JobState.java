package org.aiod.backup.job;

/** The closed set of states a job can be in. */
public enum JobState {
    /** Accepted and waiting for a worker (and for earlier jobs of its dataset). */
    QUEUED,
    /** A worker is running it. */
    RUNNING,
    /** Finished; the backup or restore is complete. */
    SUCCEEDED,
    /** Ran, or was interrupted, and did not complete; nothing half-written was left. */
    FAILED,
    /** Never ran: the command was invalid or named something that does not exist. */
    REJECTED;

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == REJECTED;
    }
}
