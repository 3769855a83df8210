package org.aiod.backup.job;

/** What a job does. */
public enum JobType {
    BACKUP, RESTORE
}
