package org.aiod.backup.engine;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A drill: a test restore of the dataset's newest restorable level (the last level of the newest cycle whose chain
 * is complete) into a scratch directory in the engine's state ({@link Layout#drillDir}, on the backup root's file
 * system), with the restore's own machinery ({@link Restorer}) and its own bookkeeping ({@link Staging}: the scratch
 * directory is written down with its device and inode before anything is put in it, so that a killed drill's is
 * removed by the next run on the dataset or by the leftover recovery at start-up). The restored tree is compared
 * with what the chain's archives say ({@link ChainTree}), then removed. The caller holds the dataset's lock.
 */
record DrillRun(Layout layout) {

    /**
     * @param checks receives what reading each archive of the chain against SHA256SUMS found, in level order
     */
    VerifySummary.Drill drill(String dataset, List<LevelCheck> checks, ProgressListener listener) throws IOException {
        List<Long> labels = layout.cycleLabels(dataset);
        for (int i = labels.size() - 1; i >= 0; i--) {
            List<Path> chain = layout.levels(dataset, labels.get(i));
            if (!chain.isEmpty()) {
                return drill(dataset, labels.get(i), chain, checks, listener);
            }
        }
        listener.toRead(0);
        return new VerifySummary.Drill(labels.isEmpty() ? -1 : labels.get(labels.size() - 1), -1, 0, 0,
                List.of("dataset '" + dataset + "' has no cycle with a complete level 0: nothing can be restored"));
    }

    private VerifySummary.Drill drill(String dataset, long cycle, List<Path> chain, List<LevelCheck> checks,
            ProgressListener listener) throws IOException {
        int level = chain.size() - 1;
        Map<String, String> sums = Checksums.read(layout.sums(dataset, cycle));
        ChainTree tree = new ChainTree(dataset);
        long chainBytes = 0;
        for (Path archive : chain) {
            chainBytes += Files.size(archive);
        }
        // read twice: checked into the model, then restored
        listener.toRead(2 * chainBytes);
        for (int i = 0; i < chain.size(); i++) {
            Path archive = chain.get(i);
            checks.add(tree.read(cycle, i, archive, sums.get(archive.getFileName().toString()), listener));
        }
        Path drillDir = layout.drillDir(dataset);
        Files.createDirectories(drillDir);
        Staging staging = Staging.into(layout, dataset, drillDir);
        // an interrupted restore or drill of this dataset is recovered first, as a restore does
        staging.recover().notes().forEach(listener::warning);
        Path scratch = staging.create();
        List<String> problems = new ArrayList<>();
        long[] counted = {0, 0};
        try {
            boolean asRoot = ((Integer) Files.getAttribute(scratch, "unix:uid", LinkOption.NOFOLLOW_LINKS)) == 0;
            Restorer restorer = new Restorer(dataset, scratch, asRoot, listener);
            boolean restored = false;
            try {
                for (Path archive : chain) {
                    restorer.apply(archive, sums.get(archive.getFileName().toString()));
                }
                restorer.finishDirectories();
                restored = true;
            } catch (BackupException e) {
                // what the archives hold is the finding: a restore of them would fail the same way
                problems.add("level " + level + " of cycle " + cycle + " cannot be restored: " + e.getMessage());
            }
            if (restored) {
                listener.phase(Phase.DRILL_RESTORED);
                counted = tree.compare(scratch);
            }
            problems.addAll(0, tree.problems());
        } finally {
            staging.discard(scratch);
            try {
                Files.deleteIfExists(drillDir);
            } catch (DirectoryNotEmptyException e) {
                // not the drill's: whatever else is there is left alone
            }
        }
        return new VerifySummary.Drill(cycle, level, counted[0], counted[1], List.copyOf(problems));
    }
}
