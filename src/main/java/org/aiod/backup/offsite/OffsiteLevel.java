package org.aiod.backup.offsite;

import java.time.Instant;

/**
 * The off-site state of one level, as the uploader keeps it under the state directory.
 *
 * @param dataset     the dataset
 * @param cycle       the cycle label
 * @param level       the level
 * @param status      where its upload is
 * @param committed   when the level was committed on disk (its archive's modification time): how long it has waited
 *                    counts from here
 * @param attempts    failed attempts since it was found (0 once uploaded at the first try)
 * @param nextAttempt when it is tried again; {@code null} once uploaded
 * @param reason      why the last attempt failed; {@code null} when none did, or once uploaded
 * @param bytes       the size of its archive off-site; 0 until uploaded
 * @param uploaded    when its upload finished; {@code null} until then
 */
public record OffsiteLevel(String dataset, long cycle, int level, Status status, Instant committed, int attempts,
        Instant nextAttempt, String reason, long bytes, Instant uploaded) {

    /** Where a level's upload is. */
    public enum Status {
        /** Committed on disk, not tried yet. */
        PENDING,
        /** The last attempt failed ({@link #reason}); tried again at {@link #nextAttempt}, until it succeeds. */
        FAILED,
        /** Its archive, and the cycle's {@code SHA256SUMS} and snapshot file as they were then, are in the store. */
        UPLOADED
    }

    /** A level just found on disk. */
    static OffsiteLevel pending(String dataset, long cycle, int level, Instant committed, Instant now) {
        return new OffsiteLevel(dataset, cycle, level, Status.PENDING, committed, 0, now, null, 0, null);
    }

    OffsiteLevel failed(String why, Instant next) {
        return new OffsiteLevel(dataset, cycle, level, Status.FAILED, committed, attempts + 1, next, why, 0, null);
    }

    OffsiteLevel uploaded(long archiveBytes, Instant at, String note) {
        return new OffsiteLevel(dataset, cycle, level, Status.UPLOADED, committed, attempts, null, note, archiveBytes,
                at);
    }

    /** Whether it still waits for its upload ({@link Status#PENDING} or {@link Status#FAILED}). */
    public boolean waiting() {
        return status != Status.UPLOADED;
    }

    /** The identity of the level, {@code <dataset>/<cycle>/<level>}. */
    String id() {
        return id(dataset, cycle, level);
    }

    static String id(String dataset, long cycle, int level) {
        return dataset + "/" + cycle + "/" + level;
    }
}
