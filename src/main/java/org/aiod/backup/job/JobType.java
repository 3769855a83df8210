package org.aiod.backup.job;

/** What a job does. */
public enum JobType {
    BACKUP, RESTORE,
    /** Remove the cycles the retention policy does not keep (or, as a dry run, say which). */
    PRUNE,
    /** Read a dataset's archives against their checksums, and optionally restore the newest level as a drill. */
    VERIFY
}
