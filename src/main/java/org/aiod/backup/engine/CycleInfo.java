package org.aiod.backup.engine;

import java.nio.file.Path;
import java.util.List;

/**
 * One cycle of a dataset as it is on disk.
 *
 * @param cycle     the cycle label ({@code connectors_2} has label 2)
 * @param directory the cycle directory
 * @param levels    the committed levels, ascending from 0
 */
public record CycleInfo(long cycle, Path directory, List<LevelInfo> levels) {

    /** The highest level, or -1 when the cycle has no complete level 0. */
    public int lastLevel() {
        return levels.isEmpty() ? -1 : levels.get(levels.size() - 1).level();
    }
}
