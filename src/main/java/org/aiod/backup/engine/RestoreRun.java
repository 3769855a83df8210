package org.aiod.backup.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A restore run: under the dataset's lock, checks that the spec's cycle and level can be restored (nothing is
 * changed when they cannot), applies the levels in order to a fresh staging directory ({@link Restorer}) and swaps
 * it in ({@link Staging}), then sets the dataset directory's own attributes.
 */
record RestoreRun(EngineOptions options, Layout layout) {

    RestoreSummary restore(RestoreSpec spec, ProgressListener listener) {
        String dataset = spec.dataset();
        long cycle = spec.cycle();
        Integer level = spec.level();
        DatasetChecks.requireUtf8FileNames();
        long started = System.nanoTime();
        Path datasetDir = layout.datasetDir(dataset);
        DatasetChecks.requireBackups(layout, dataset);
        try (DatasetLock lock = DatasetLock.acquire(layout.lockFile(dataset), dataset, options.lockTimeout())) {
            listener.phase(Phase.LOCKED);
            boolean datasetDirExists = DatasetChecks.isDatasetDirectory(dataset, datasetDir);
            List<Path> levels = cycle < 0 ? List.of() : layout.levels(dataset, cycle);
            if (levels.isEmpty()) {
                throw new BackupException.CycleNotFound("dataset '" + dataset + "' has no cycle " + cycle
                        + " with a complete level 0 (cycles: " + layout.cycleLabels(dataset) + ")");
            }
            TreeMap<Integer, Path> archives = layout.archives(dataset, cycle);
            int highest = archives.lastKey();
            int target = level == null ? highest : level;
            if (target < 0 || target > highest) {
                throw new BackupException.LevelNotFound("cycle " + cycle + " of dataset '" + dataset
                        + "' has levels 0.." + highest + "; there is no level " + level);
            }
            if (target >= levels.size()) {
                List<Integer> missing = Layout.missingLevels(archives).stream().filter(l -> l < target).toList();
                throw new BackupException.ChainBroken("cycle " + cycle + " of dataset '" + dataset + "' is missing "
                        + "the archive of level " + (missing.size() == 1 ? missing.get(0) : "s " + missing)
                        + ", so level " + target + (level == null ? " (its last)" : "") + " cannot be restored;"
                        + " levels 0.." + (levels.size() - 1) + " can");
            }
            if (!Files.isDirectory(options.dataRoot())) {
                throw new BackupException.NotWritable("data root " + options.dataRoot() + " does not exist", null);
            }
            if (!datasetDirExists) {
                Files.createDirectory(datasetDir);
            }
            Staging staging = Staging.of(layout, dataset);
            Staging.Recovered recovered = staging.recover();
            return restoreLevels(dataset, cycle, levels.subList(0, target + 1), datasetDir, staging, listener,
                    started, lock.waited(), recovered.notes());
        } catch (IOException e) {
            throw FileOps.translate(e, "restoring dataset '" + dataset + "' cycle " + cycle);
        }
    }

    private RestoreSummary restoreLevels(String dataset, long cycle, List<Path> archives, Path datasetDir,
            Staging stagings, ProgressListener listener, long started, Duration lockWait, List<String> recoveryNotes)
            throws IOException {
        Map<String, String> sums = Checksums.read(layout.sums(dataset, cycle));
        Path staging = stagings.create();
        boolean asRoot = ((Integer) Files.getAttribute(staging, "unix:uid", LinkOption.NOFOLLOW_LINKS)) == 0;
        Restorer restorer = new Restorer(dataset, staging, asRoot, listener);
        Restorer.DirectoryAttributes root;
        try {
            for (Path archive : archives) {
                restorer.apply(archive, sums.get(archive.getFileName().toString()));
            }
            root = restorer.finishDirectories();
            listener.phase(Phase.STAGED);
        } catch (IOException | RuntimeException | Error e) {
            // an Error too (OutOfMemoryError, StackOverflowError): the staging directory must not outlive the run
            try {
                stagings.discard(staging);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        stagings.swap(staging, listener);
        if (root != null) {
            restorer.setDirectoryAttributes(datasetDir, root);
        }
        List<String> warnings = new ArrayList<>(recoveryNotes);
        warnings.addAll(restorer.warnings());
        return new RestoreSummary(dataset, cycle, archives.size() - 1, restorer.files(), restorer.bytes(),
                restorer.deleted(), List.copyOf(warnings), Duration.ofNanos(System.nanoTime() - started),
                lockWait);
    }
}
