package org.aiod.backup.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Removes or completes what killed runs left behind: the temporary files of backups, and the staging and swap
 * directories of restores (as written down in the engine's state, see {@link Staging}), and the cycles a prune
 * had moved out but not yet deleted (see {@link Pruner}). Runs do the same for their
 * own dataset once they hold its lock; this does it for every dataset at once, at the service's start-up.
 */
record Leftovers(Layout layout) {

    /**
     * Each dataset with leftovers is handled under its lock; one whose lock is held by another run is skipped (that
     * run handles them). A failure on one dataset is reported in its entry and does not stop the others. Datasets
     * with nothing left over are not listed.
     */
    List<LeftoverRecovery> recover() {
        TreeSet<String> candidates = new TreeSet<>();
        try {
            candidates.addAll(namesIn(layout.tmpDirs()));
            candidates.addAll(namesIn(layout.stagingRecords()));
            candidates.addAll(namesIn(layout.pruneRecords()));
        } catch (IOException e) {
            throw FileOps.translate(e, "looking for leftovers of killed runs in " + layout.stateDir());
        }
        List<LeftoverRecovery> report = new ArrayList<>();
        for (String dataset : candidates) {
            if (!hasLeftovers(dataset)) {
                continue;
            }
            DatasetLock lock;
            try {
                lock = DatasetLock.acquire(layout.lockFile(dataset), dataset, Duration.ZERO);
            } catch (BackupException.LockTimeout e) {
                report.add(new LeftoverRecovery(dataset, LeftoverRecovery.Outcome.SKIPPED_LOCKED, 0, 0, 0,
                        List.of("another run holds the lock of dataset '" + dataset + "'; left to it")));
                continue;
            } catch (BackupException e) {
                report.add(new LeftoverRecovery(dataset, LeftoverRecovery.Outcome.FAILED, 0, 0, 0,
                        List.of(e.getMessage())));
                continue;
            }
            try (lock) {
                long tempFiles = 0;
                Path tmp = layout.tmpDir(dataset);
                if (Files.isDirectory(tmp, LinkOption.NOFOLLOW_LINKS)) {
                    try (var entries = Files.newDirectoryStream(tmp)) {
                        for (Path entry : entries) {
                            FileOps.deleteRecursively(entry);
                            tempFiles++;
                        }
                    }
                }
                Staging.Recovered recovered = Staging.Recovered.NONE;
                if (Staging.hasRecord(layout.stagingRecord(dataset))) {
                    DatasetChecks.isDatasetDirectory(dataset, layout.datasetDir(dataset));
                    recovered = Staging.of(layout, dataset).recover();
                }
                List<String> notes = new ArrayList<>(recovered.notes());
                notes.addAll(Pruner.recover(layout, dataset));
                report.add(new LeftoverRecovery(dataset, LeftoverRecovery.Outcome.RECOVERED, tempFiles,
                        recovered.swapsCompleted(), recovered.stagingRemoved(), List.copyOf(notes)));
            } catch (IOException e) {
                report.add(new LeftoverRecovery(dataset, LeftoverRecovery.Outcome.FAILED, 0, 0, 0,
                        List.of(FileOps.translate(e, "recovering leftovers of dataset '" + dataset + "'")
                                .getMessage())));
            } catch (BackupException e) {
                report.add(new LeftoverRecovery(dataset, LeftoverRecovery.Outcome.FAILED, 0, 0, 0,
                        List.of(e.getMessage())));
            }
        }
        return report;
    }

    private boolean hasLeftovers(String dataset) {
        if (Staging.hasRecord(layout.stagingRecord(dataset)) || Pruner.hasRecord(layout, dataset)) {
            return true;
        }
        try (var entries = Files.newDirectoryStream(layout.tmpDir(dataset))) {
            return entries.iterator().hasNext();
        } catch (IOException e) {
            return false;
        }
    }

    /** Names in a state directory that are dataset names; none when it does not exist. */
    private static List<String> namesIn(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        try (var entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (Layout.DATASET_NAME.matcher(name).matches()) {
                    names.add(name);
                }
            }
        }
        return names;
    }
}
