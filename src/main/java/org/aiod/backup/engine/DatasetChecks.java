package org.aiod.backup.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;

/** The checks every run makes before it touches a dataset, so that each refuses the same things the same way. */
final class DatasetChecks {

    private DatasetChecks() {
    }

    static void requireUtf8FileNames() {
        String encoding = System.getProperty("sun.jnu.encoding", "");
        if (!encoding.equalsIgnoreCase("UTF-8") && !encoding.equalsIgnoreCase("UTF8")) {
            throw new BackupException.UnsupportedEnvironment("file names are decoded as " + encoding
                    + ", not UTF-8: non-ASCII names would be corrupted; run with a UTF-8 locale (LANG=C.UTF-8)");
        }
    }

    /**
     * The archives of levels 0 to {@code level} of a cycle, in order ({@code level} null: the cycle's last), or the
     * refusal: {@code CYCLE_NOT_FOUND}, {@code LEVEL_NOT_FOUND}, or {@code CHAIN_BROKEN} saying the level "cannot be
     * {@code verb}" ("read", "restored") because an archive before it is missing.
     */
    static List<Path> requireChain(Layout layout, String dataset, long cycle, Integer level, String verb)
            throws IOException {
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
                    + "' has levels 0.." + highest + "; there is no level " + target);
        }
        if (target >= levels.size()) {
            List<Integer> missing = Layout.missingLevels(archives).stream().filter(l -> l < target).toList();
            throw new BackupException.ChainBroken("cycle " + cycle + " of dataset '" + dataset + "' is missing "
                    + "the archive of level " + (missing.size() == 1 ? missing.get(0) : "s " + missing)
                    + ", so level " + target + (level == null ? " (its last)" : "") + " cannot be " + verb + ";"
                    + " levels 0.." + (levels.size() - 1) + " can");
        }
        return List.copyOf(levels.subList(0, target + 1));
    }

    /** Refuses a dataset without a backup directory: {@code DATASET_NOT_FOUND}. */
    static void requireBackups(Layout layout, String dataset) {
        if (!Files.isDirectory(layout.backupDir(dataset))) {
            throw new BackupException.DatasetNotFound("dataset '" + dataset + "' has no backups in "
                    + layout.backupRoot());
        }
    }

    /** Refuses a dataset path that is not a real directory; a missing one is {@code DATASET_NOT_FOUND}. */
    static void requireDatasetDirectory(String dataset, Path datasetDir) {
        if (!isDatasetDirectory(dataset, datasetDir)) {
            throw new BackupException.DatasetNotFound("dataset '" + dataset + "': directory " + datasetDir
                    + " does not exist");
        }
    }

    /**
     * Whether the dataset directory exists, without following a symlink; a path that exists but is not a real
     * directory is refused, so that nothing outside the data root is ever read, written or deleted through it.
     */
    static boolean isDatasetDirectory(String dataset, Path datasetDir) {
        FileStat stat;
        try {
            stat = FileStat.of(datasetDir);
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw FileOps.translate(e, "reading dataset directory " + datasetDir);
        }
        if (stat.isDirectory()) {
            return true;
        }
        String what;
        if (stat.isSymlink()) {
            String target;
            try {
                target = " to " + Files.readSymbolicLink(datasetDir);
            } catch (IOException e) {
                target = "";
            }
            what = "a symbolic link" + target;
        } else if (stat.isRegular()) {
            what = "a regular file";
        } else {
            what = "a special file";
        }
        throw new BackupException.NotADirectory("dataset '" + dataset + "': " + datasetDir + " is " + what
                + ", not a directory; refusing to follow or replace it");
    }
}
