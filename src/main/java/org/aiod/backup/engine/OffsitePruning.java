package org.aiod.backup.engine;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a prune needs of the off-site copies, so that a cycle it removes goes from the store too (see "Pruning
 * off-site" in docs/design.md). Plain Java: the service's off-site state implements it
 * ({@code org.aiod.backup.offsite}); the prune only decides and writes the deletions down, under the dataset's lock,
 * and never waits for the store: the service's uploader does the deletions, retried, after the local removal.
 */
public interface OffsitePruning {

    /**
     * The off-site keep rule ({@code backup.offsite.retention.*}); {@code null} when none is set: off-site follows the
     * local prune, each cycle removed locally goes from the store too.
     */
    RetentionPolicy policy();

    /**
     * The cycles of {@code dataset} whose levels are in the store by the off-site state, cycle to its uploaded levels
     * ({@link LevelInfo#archive()} {@code null}; {@link LevelInfo#modified()} the level's commit), leaving out the
     * cycles whose deletion is already written down.
     */
    Map<Long, List<LevelInfo>> storedCycles(String dataset);

    /**
     * Under the dataset's lock, before a prune (not a dry run) writes any deletion down: forgets the deletions a
     * killed prune wrote down for cycles it never took out ({@code onDisk} holds them), so that a cycle kept locally is
     * never deleted off-site.
     */
    void settle(String dataset, Set<Long> onDisk) throws IOException;

    /**
     * Writes down, durably, that every object of {@code cycle} ({@link OffsiteLayout#cyclePrefix}) is to be deleted
     * from the store. Called before the cycle's local removal (a cycle only off-site: at once); the deletion is done
     * later, and only once the cycle is no longer in the backup directory.
     */
    void schedule(String dataset, long cycle) throws IOException;
}
