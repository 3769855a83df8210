package org.aiod.backup.offsite;

import java.time.Instant;

/**
 * A cycle whose objects a prune wrote down for deletion from the store, as the uploader keeps it under the state
 * directory until the deletion is done.
 *
 * @param dataset     the dataset
 * @param cycle       the cycle label
 * @param scheduled   when the prune wrote it down
 * @param attempts    failed attempts so far
 * @param nextAttempt when it is tried again; {@code null} before the first attempt
 * @param reason      why the last attempt failed; {@code null} when none did
 */
public record OffsiteDeletion(String dataset, long cycle, Instant scheduled, int attempts, Instant nextAttempt,
        String reason) {

    static OffsiteDeletion scheduled(String dataset, long cycle, Instant now) {
        return new OffsiteDeletion(dataset, cycle, now, 0, null, null);
    }

    OffsiteDeletion failed(String why, Instant next) {
        return new OffsiteDeletion(dataset, cycle, scheduled, attempts + 1, next, why);
    }

    /** Whether its last attempt failed. */
    public boolean failing() {
        return reason != null;
    }

    String id() {
        return dataset + "/" + cycle;
    }
}
