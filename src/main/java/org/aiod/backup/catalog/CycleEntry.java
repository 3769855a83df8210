package org.aiod.backup.catalog;

import java.nio.file.Path;
import java.util.List;

/**
 * One cycle of a dataset.
 *
 * @param cycle          the cycle label ({@code connectors_2} has label 2)
 * @param directory      the cycle directory
 * @param levels         the restorable levels, ascending from 0 without a gap
 * @param missingLevels  levels whose archive is missing below an existing one: the gap that breaks the chain; empty
 *                       when the chain is whole
 * @param levelsAfterGap the archives above the gap, which cannot be restored; empty when the chain is whole
 * @param lastLevel      the highest restorable level, or -1 when the cycle has no complete level 0
 * @param highestLevel   the highest level with an archive, restorable or not; -1 when the cycle has none
 */
public record CycleEntry(long cycle, Path directory, List<LevelEntry> levels, List<Integer> missingLevels,
        List<LevelEntry> levelsAfterGap, int lastLevel, int highestLevel) {

    public CycleEntry {
        levels = List.copyOf(levels);
        missingLevels = List.copyOf(missingLevels);
        levelsAfterGap = List.copyOf(levelsAfterGap);
    }

    /** Whether a level is missing below an existing one, so levels after it cannot be restored. */
    public boolean broken() {
        return !missingLevels.isEmpty();
    }

    /** What the cycle's archives take on disk, those after a gap included. */
    public long bytes() {
        return restorableBytes() + levelsAfterGap.stream().mapToLong(LevelEntry::size).sum();
    }

    /** The size of the restorable levels' archives. */
    public long restorableBytes() {
        return levels.stream().mapToLong(LevelEntry::size).sum();
    }
}
