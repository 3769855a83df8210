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
 * @param offsiteRemoved with off-site copies on, the cycles only in the store (removed locally earlier) that the
 *                   off-site keep rule no longer keeps: their deletion from the store is written down (for a dry
 *                   run, would be); each {@link Removed#offsite()} {@value #OFFSITE_PENDING}. Empty otherwise
 */
public record PruneSummary(String dataset, boolean dryRun, List<Removed> removed, List<Kept> kept, long bytesFreed,
        List<String> warnings, Duration lockWait, List<Removed> offsiteRemoved) {

    /** The cycle's deletion from the store is written down; the service's uploader does it (for a dry run: would). */
    public static final String OFFSITE_PENDING = "pending";
    /** The off-site keep rule keeps the cycle in the store, though it goes locally. */
    public static final String OFFSITE_KEPT = "kept";

    /** Without off-site copies. */
    public PruneSummary(String dataset, boolean dryRun, List<Removed> removed, List<Kept> kept, long bytesFreed,
            List<String> warnings, Duration lockWait) {
        this(dataset, dryRun, removed, kept, bytesFreed, warnings, lockWait, List.of());
    }

    /**
     * A cycle that goes: its label, its level count and the bytes of its files (of a cycle only off-site: of its
     * archives there), and, with off-site copies on, what becomes of its objects in the store:
     * {@value PruneSummary#OFFSITE_PENDING} or {@value PruneSummary#OFFSITE_KEPT}; {@code null} with them off.
     */
    public record Removed(long cycle, int levels, long bytes, String offsite) {
        public Removed(long cycle, int levels, long bytes) {
            this(cycle, levels, bytes, null);
        }
    }

    /** A cycle that stays, and why: the rules that select it ({@code keep-last}, {@code newest-full}, ...). */
    public record Kept(long cycle, List<String> reasons) {
    }
}
