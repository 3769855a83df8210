package org.aiod.backup.engine;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where everything lives: the legacy layout {@code <backup-root>/<ds>/<ds>_<cycle>/<ds><level>.tar.gz} plus
 * {@code <ds>.snar} and {@code SHA256SUMS}, and the service's own state in its state directory
 * ({@link EngineOptions#stateDir()}, by default {@code <backup-root>/.aiod-backup/}).
 */
final class Layout {

    static final Pattern DATASET_NAME = DatasetName.PATTERN;
    static final String SUMS = "SHA256SUMS";

    private final Path dataRoot;
    private final Path backupRoot;
    private final Path stateDir;

    Layout(Path dataRoot, Path backupRoot, Path stateDir) {
        this.dataRoot = dataRoot;
        this.backupRoot = backupRoot;
        this.stateDir = stateDir;
    }

    static String requireValidName(String dataset) {
        if (dataset == null || !DATASET_NAME.matcher(dataset).matches()) {
            throw new BackupException.InvalidDataset("invalid dataset name '" + dataset
                    + "': expected 1-128 characters of [A-Za-z0-9._-], starting with a letter or digit");
        }
        return dataset;
    }

    Path dataRoot() {
        return dataRoot;
    }

    Path backupRoot() {
        return backupRoot;
    }

    Path datasetDir(String ds) {
        return dataRoot.resolve(ds);
    }

    Path backupDir(String ds) {
        return backupRoot.resolve(ds);
    }

    Path cycleDir(String ds, long cycle) {
        return backupDir(ds).resolve(ds + "_" + cycle);
    }

    static String archiveName(String ds, int level, Compression compression) {
        return ds + level + compression.suffix();
    }

    Path archive(String ds, long cycle, int level, Compression compression) {
        return cycleDir(ds, cycle).resolve(archiveName(ds, level, compression));
    }

    /** Names of a dataset's archives, {@code <ds><level>.tar.gz} or {@code .tar.zst}; group 1 is the level. */
    static Pattern archivePattern(String ds) {
        return Pattern.compile(Pattern.quote(ds) + "(\\d{1,9})\\.tar\\.(?:gz|zst)");
    }

    Path snapshot(String ds, long cycle) {
        return cycleDir(ds, cycle).resolve(ds + ".snar");
    }

    Path sums(String ds, long cycle) {
        return cycleDir(ds, cycle).resolve(SUMS);
    }

    Path stateDir() {
        return stateDir;
    }

    Path lockFile(String ds) {
        return stateDir().resolve("locks").resolve(ds + ".lock");
    }

    Path tmpDir(String ds) {
        return stateDir().resolve("tmp").resolve(ds);
    }

    /** Where a restore writes down the working directories it creates in the dataset directory (see Staging). */
    Path stagingRecord(String ds) {
        return stagingRecords().resolve(ds);
    }

    Path stagingRecords() {
        return stateDir().resolve("staging");
    }

    /** Where a prune writes down the cycle it is removing (see Pruner). */
    Path pruneRecord(String ds) {
        return pruneRecords().resolve(ds);
    }

    Path pruneRecords() {
        return stateDir().resolve("prune");
    }

    /** Where a prune moves a cycle directory out of the backup directory before deleting it. */
    Path pruneWorkspace(String ds) {
        return stateDir().resolve("pruning").resolve(ds);
    }

    Path tmpDirs() {
        return stateDir().resolve("tmp");
    }

    /** The dataset's verify records: the last verify of each level (see VerifyRecords). */
    Path verifyRecord(String ds) {
        return stateDir().resolve("verified").resolve(ds);
    }

    /**
     * Where a drill restores the dataset's newest level: a directory of the engine's state, so on the backup root's
     * file system, never in the data root. Its scratch directory inside is written down like a restore's staging.
     */
    Path drillDir(String ds) {
        return stateDir().resolve("drill").resolve(ds);
    }

    /** Cycle labels present on disk, ascending numerically. */
    List<Long> cycleLabels(String ds) throws IOException {
        Pattern pattern = Pattern.compile(Pattern.quote(ds) + "_(\\d{1,18})");
        List<Long> labels = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(backupDir(ds))) {
            for (Path entry : entries) {
                Matcher m = pattern.matcher(entry.getFileName().toString());
                if (m.matches() && Files.isDirectory(entry)) {
                    labels.add(Long.parseLong(m.group(1)));
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        Collections.sort(labels);
        return labels;
    }

    /**
     * The restorable levels of a cycle: archives {@code <ds><n>.tar.gz} (or {@code .tar.zst}) for n = 0, 1, ...
     * without a gap. A level after a gap cannot be restored (a predecessor is missing); {@link #archives} lists it.
     */
    List<Path> levels(String ds, long cycle) throws IOException {
        TreeMap<Integer, Path> found = archives(ds, cycle);
        List<Path> levels = new ArrayList<>();
        while (found.containsKey(levels.size())) {
            levels.add(found.get(levels.size()));
        }
        return levels;
    }

    /** Every level archive of a cycle, by level, gaps or not. */
    TreeMap<Integer, Path> archives(String ds, long cycle) throws IOException {
        Pattern pattern = archivePattern(ds);
        TreeMap<Integer, Path> found = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(cycleDir(ds, cycle))) {
            for (Path entry : entries) {
                Matcher m = pattern.matcher(entry.getFileName().toString());
                if (m.matches() && Files.isRegularFile(entry)) {
                    found.put(Integer.parseInt(m.group(1)), entry);
                }
            }
        } catch (NoSuchFileException e) {
            return found;
        }
        return found;
    }

    /** The levels missing below the cycle's highest archive: a gap in its chain; empty when there is none. */
    static List<Integer> missingLevels(TreeMap<Integer, Path> archives) {
        List<Integer> missing = new ArrayList<>();
        if (!archives.isEmpty()) {
            for (int level = 0; level < archives.lastKey(); level++) {
                if (!archives.containsKey(level)) {
                    missing.add(level);
                }
            }
        }
        return missing;
    }

    /** Datasets with a backup directory (a sub-directory of the backup root named like a dataset). */
    List<String> datasetsWithBackups() throws IOException {
        return namedDirectories(backupRoot);
    }

    /** Datasets present in the data root. */
    List<String> datasetsInDataRoot() throws IOException {
        return namedDirectories(dataRoot);
    }

    private static List<String> namedDirectories(Path root) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (DATASET_NAME.matcher(name).matches() && Files.isDirectory(entry)) {
                    names.add(name);
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        return names;
    }
}
