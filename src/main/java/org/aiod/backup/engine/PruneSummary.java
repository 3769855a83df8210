package org.aiod.backup.engine;

import java.time.Duration;
import java.util.List;

/**
 * What one prune of a dataset did, or (for a dry run) would do.
 *
 * @param dataset    the dataset
 * @param dryRun     whether nothing was removed, only decided
 * @param removed    the cycles removed (would be removed, for a dry run), ascending by label
 * @param kept       the cycles kept, ascending by label, each with the rules that keep it
 * @param bytesFreed the bytes of the removed cycles' files
 * @param warnings   what an operator should know that did not fail the prune
 * @param lockWait   how long the prune waited for the dataset's lock
 */
public record PruneSummary(String dataset, boolean dryRun, List<Removed> removed, List<Kept> kept, long bytesFreed,
        List<String> warnings, Duration lockWait) {

    /** A cycle that goes: its label, its level count and the bytes of its files. */
    public record Removed(long cycle, int levels, long bytes) {
    }

    /** A cycle that stays, and why: the rules that select it ({@code keep-last}, {@code newest-full}, ...). */
    public record Kept(long cycle, List<String> reasons) {
    }
}
