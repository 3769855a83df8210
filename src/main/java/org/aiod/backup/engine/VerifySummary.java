package org.aiod.backup.engine;

import java.time.Duration;
import java.util.List;

/**
 * What one verify of a dataset found.
 *
 * @param dataset  the dataset
 * @param depth    how deep it looked
 * @param checks   each archive read, in cycle and level order (for a drill, the archives of the chain it restored)
 * @param drill    what the test restore found; {@code null} for {@link VerifyDepth#CHECKSUMS}
 * @param lockWait how long the verify waited for the dataset's lock
 */
public record VerifySummary(String dataset, VerifyDepth depth, List<LevelCheck> checks, Drill drill,
        Duration lockWait) {

    /**
     * A test restore of one level.
     *
     * @param cycle    the cycle restored
     * @param level    the level restored
     * @param files    file members restored and checked
     * @param bytes    bytes of file content checked
     * @param problems each member that differs from its archive or the snapshot, or could not be restored; empty
     *                 when the drill passed
     */
    public record Drill(long cycle, int level, long files, long bytes, List<String> problems) {

        public boolean passed() {
            return problems.isEmpty();
        }
    }

    /** Whether every archive read is whole and, for a drill, the test restore passed. */
    public boolean passed() {
        return checks.stream().noneMatch(c -> c.status() == LevelCheck.Status.CORRUPT
                || c.status() == LevelCheck.Status.MISSING) && (drill == null || drill.passed());
    }
}
