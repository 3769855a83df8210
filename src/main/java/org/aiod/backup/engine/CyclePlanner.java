package org.aiod.backup.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;

/**
 * The cycle rule of the legacy scripts, as a pure function of what is on disk: continue the last cycle while it has
 * fewer than {@code cycleLength} levels, else open the next; a cycle without a complete level 0 is redone from level
 * 0. A cycle with a gap (a level's archive missing below an existing one) is never continued: the next level would
 * take the missing number, and the levels after it would join a chain they do not belong to. A cycle whose archives
 * cannot all be read through (see {@link LastCycle#chainReadable}) is not continued either, nor one without its
 * snapshot file. {@link LevelWriter} gathers the facts and acts on the answer.
 */
final class CyclePlanner {

    /**
     * The last cycle on disk, as the rule needs to see it.
     *
     * @param label         the cycle's label
     * @param archives      the cycle's archives by level, gaps or not (only their levels are looked at)
     * @param snapshotName  the name of the cycle's snapshot file, for the warning when it is missing
     * @param hasSnapshot   whether that snapshot file exists
     * @param chainReadable asked only for a cycle that has archives and no gap, before its length is looked at: lists
     *                      the archives missing from SHA256SUMS (a run killed after its commit point, or levels
     *                      written by GNU tar) and answers whether each could be read through; it warns itself
     */
    record LastCycle(long label, TreeMap<Integer, Path> archives, String snapshotName, boolean hasSnapshot,
            ChainCheck chainReadable) {
    }

    /** The one question of the rule whose answer takes I/O (reading archives through), asked only when needed. */
    @FunctionalInterface
    interface ChainCheck {
        boolean readable() throws IOException;
    }

    /**
     * The cycle and level the next backup writes.
     *
     * @param warning why the last cycle is not continued, or {@code null} when that needs no warning
     */
    record Next(long cycle, int level, String warning) {
        static Next of(long cycle, int level) {
            return new Next(cycle, level, null);
        }
    }

    private CyclePlanner() {
    }

    /**
     * @param last        the cycle with the highest label on disk, or {@code null} when the dataset has none
     * @param cycleLength how many levels a cycle holds before the next one is opened
     * @throws IOException only from {@link LastCycle#chainReadable}
     */
    static Next next(LastCycle last, int cycleLength) throws IOException {
        if (last == null) {
            return Next.of(0, 0);
        }
        long label = last.label();
        TreeMap<Integer, Path> archives = last.archives();
        if (archives.isEmpty()) {
            return Next.of(label, 0);
        }
        List<Integer> missing = Layout.missingLevels(archives);
        if (!missing.isEmpty()) {
            return new Next(label + 1, 0, "cycle " + label + " is missing the archive of level"
                    + (missing.size() == 1 ? " " : "s ") + (missing.size() == 1 ? missing.get(0) : missing)
                    + " (level " + archives.lastKey() + " exists): its chain is broken and cannot be continued;"
                    + " opening cycle " + (label + 1) + " at level 0");
        }
        if (!last.chainReadable().readable()) {
            return Next.of(label + 1, 0);
        }
        int levels = archives.size(); // no gap: levels 0..n-1
        if (levels >= cycleLength) {
            return Next.of(label + 1, 0);
        }
        if (!last.hasSnapshot()) {
            return new Next(label + 1, 0, "cycle " + label + " has no snapshot file " + last.snapshotName()
                    + "; opening a new cycle");
        }
        return Next.of(label, levels);
    }

}
