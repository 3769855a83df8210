package org.aiod.backup.engine;

import java.nio.file.Path;
import java.util.List;

/**
 * One cycle of a dataset as it is on disk.
 *
 * @param cycle          the cycle label ({@code connectors_2} has label 2)
 * @param directory      the cycle directory
 * @param levels         the restorable levels, ascending from 0 without a gap
 * @param missingLevels  levels whose archive is missing although a higher level's archive exists: the gap that
 *                       breaks the chain; empty when the chain is whole
 * @param levelsAfterGap the archives above the gap, which cannot be restored; empty when the chain is whole
 */
public record CycleInfo(long cycle, Path directory, List<LevelInfo> levels, List<Integer> missingLevels,
        List<LevelInfo> levelsAfterGap) {

    /** A cycle without a gap. */
    public CycleInfo(long cycle, Path directory, List<LevelInfo> levels) {
        this(cycle, directory, levels, List.of(), List.of());
    }

    /** The highest restorable level, or -1 when the cycle has no complete level 0. */
    public int lastLevel() {
        return levels.isEmpty() ? -1 : levels.get(levels.size() - 1).level();
    }

    /** The highest level with an archive, restorable or not; -1 when the cycle has none. */
    public int highestLevel() {
        return levelsAfterGap.isEmpty() ? lastLevel() : levelsAfterGap.get(levelsAfterGap.size() - 1).level();
    }

    /** Whether a level is missing below an existing one, so levels after it cannot be restored. */
    public boolean broken() {
        return !missingLevels.isEmpty();
    }
}
