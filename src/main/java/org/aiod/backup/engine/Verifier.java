package org.aiod.backup.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads archives to their end and compares them with SHA256SUMS. Changes nothing; takes the dataset's lock, so it
 * sees no level half-committed.
 */
record Verifier(EngineOptions options, Layout layout) {

    /** Every archive of {@code dataset}, of one cycle or of all when {@code cycle} is null, in level order. */
    List<LevelCheck> verify(String dataset, Long cycle) {
        Layout.requireValidName(dataset);
        DatasetChecks.requireBackups(layout, dataset);
        DatasetChecks.isDatasetDirectory(dataset, layout.datasetDir(dataset));
        try (DatasetLock lock = DatasetLock.acquire(layout.lockFile(dataset), dataset, options.lockTimeout())) {
            List<Long> labels = cycle == null ? layout.cycleLabels(dataset) : List.of(cycle);
            List<LevelCheck> checks = new ArrayList<>();
            for (long label : labels) {
                TreeMap<Integer, Path> archives = layout.archives(dataset, label);
                if (archives.isEmpty() && cycle != null) {
                    throw new BackupException.CycleNotFound("dataset '" + dataset + "' has no cycle " + cycle
                            + " with a level archive (cycles: " + layout.cycleLabels(dataset) + ")");
                }
                Map<String, String> sums = Checksums.read(layout.sums(dataset, label));
                for (int i = 0; !archives.isEmpty() && i <= archives.lastKey(); i++) {
                    Path archive = archives.get(i);
                    if (archive == null) {
                        checks.add(new LevelCheck(label, i, layout.archive(dataset, label, i, Compression.GZIP),
                                LevelCheck.Status.MISSING, "no archive " + dataset + i + ".tar.gz or .tar.zst, though"
                                + " level " + archives.lastKey() + " has one: levels " + i + ".."
                                + archives.lastKey() + " cannot be restored"));
                        continue;
                    }
                    checks.add(check(label, i, archive, sums.get(archive.getFileName().toString())));
                }
            }
            return checks;
        } catch (IOException e) {
            throw FileOps.translate(e, "verifying dataset '" + dataset + "'");
        }
    }

    private static LevelCheck check(long cycle, int level, Path archive, String listed) throws IOException {
        try {
            String actual = ArchiveCheck.readThrough(archive);
            if (listed == null) {
                return new LevelCheck(cycle, level, archive, LevelCheck.Status.UNLISTED,
                        "sha256 " + actual + ", not in " + Layout.SUMS);
            } else if (listed.equals(actual)) {
                return new LevelCheck(cycle, level, archive, LevelCheck.Status.OK, "sha256 " + actual);
            } else {
                return new LevelCheck(cycle, level, archive, LevelCheck.Status.CORRUPT,
                        "sha256 " + actual + " does not match " + Layout.SUMS + " (" + listed + ")");
            }
        } catch (BackupException.CorruptArchive e) {
            return new LevelCheck(cycle, level, archive, LevelCheck.Status.CORRUPT, e.getMessage());
        }
    }
}
