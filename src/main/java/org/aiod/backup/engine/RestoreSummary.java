package org.aiod.backup.engine;

import java.time.Duration;
import java.util.List;

/**
 * What one restore run did, or for a dry run, what it would do.
 *
 * @param dataset    the dataset restored
 * @param cycle      the cycle restored from
 * @param level      the last level applied
 * @param files      file members extracted over all levels applied
 * @param bytes      bytes of file content extracted
 * @param deleted    entries deleted while applying incremental levels (GNU tar's listing semantics)
 * @param warnings   members that were skipped (special files) and archives that had no checksum to verify
 * @param duration   wall time of the run, lock wait included
 * @param lockWait   how long the run waited for the dataset's lock (part of {@code duration})
 * @param plan       what the restore would change, for a dry run (which extracts nothing: files, bytes and
 *                   deleted are 0); {@code null} for a restore that ran
 */
public record RestoreSummary(String dataset, long cycle, int level, long files, long bytes, long deleted,
        List<String> warnings, Duration duration, Duration lockWait, RestorePlan plan) {

    /** The summary of a restore that ran (no plan). */
    public RestoreSummary(String dataset, long cycle, int level, long files, long bytes, long deleted,
            List<String> warnings, Duration duration, Duration lockWait) {
        this(dataset, cycle, level, files, bytes, deleted, warnings, duration, lockWait, null);
    }
}
