package org.aiod.backup.catalog;

import java.time.Duration;
import java.util.List;

/**
 * What one verify of a dataset found ({@link DatasetCatalog#verify(String, VerifyDepthName,
 * org.aiod.backup.engine.ProgressListener)}).
 *
 * @param dataset  the dataset
 * @param depth    how deep it looked
 * @param levels   each archive read, in cycle and level order (for a drill, the archives of the chain it restored)
 * @param drill    what the test restore found; {@code null} for {@link VerifyDepthName#CHECKSUMS}
 * @param lockWait how long the verify waited for the dataset's lock
 */
public record VerifyReport(String dataset, VerifyDepthName depth, List<LevelVerification> levels, Drill drill,
        Duration lockWait) {

    /**
     * A test restore of one level.
     *
     * @param cycle    the cycle restored
     * @param level    the level restored; -1 when no level could be
     * @param files    file members restored and checked
     * @param bytes    bytes of file content checked
     * @param problems each member that differs from its archive or the level's listing, or why the level could not
     *                 be restored, members named as the engine shows names; empty when the drill passed
     */
    public record Drill(long cycle, int level, long files, long bytes, List<String> problems) {

        public boolean passed() {
            return problems.isEmpty();
        }
    }

    /** Whether every archive read is whole and, for a drill, the test restore passed. */
    public boolean passed() {
        return levels.stream().noneMatch(l -> l.status() == LevelVerification.Status.CORRUPT
                || l.status() == LevelVerification.Status.MISSING) && (drill == null || drill.passed());
    }
}
