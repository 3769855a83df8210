package org.aiod.backup.engine;

import java.util.List;

/**
 * What {@link Engine#recoverLeftovers()} found and did for one dataset.
 *
 * @param dataset           the dataset
 * @param outcome           whether its leftovers were dealt with, left because another run holds the dataset's
 *                          lock, or could not be dealt with
 * @param tempFilesRemoved  entries removed from the dataset's temporary directory (archives, snapshots and
 *                          checksum lists of killed backups)
 * @param swapsCompleted    interrupted restores rolled forward: the verified tree put in place, the old content
 *                          deleted
 * @param stagingRemoved    interrupted restores rolled back: a staging directory that was not verified, deleted
 * @param notes             anything else worth knowing, such as entries left alone because the engine did not
 *                          create them, or why the dataset was skipped or failed
 */
public record LeftoverRecovery(String dataset, Outcome outcome, long tempFilesRemoved, int swapsCompleted,
        int stagingRemoved, List<String> notes) {

    public enum Outcome {
        /** Its leftovers were removed or completed. */
        RECOVERED,
        /** Another run holds the dataset's lock; that run, or the next, deals with them. */
        SKIPPED_LOCKED,
        /** Dealing with them failed; the notes say why, and the next run on the dataset tries again. */
        FAILED
    }
}
