package org.aiod.backup.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/** What is on disk, read without a lock and changing nothing: the datasets, and each one's cycles and levels. */
record Inventory(Layout layout) {

    /** Every dataset: each top-level directory of the data root and each dataset that has backups, sorted. */
    List<String> datasets() {
        try {
            TreeSet<String> names = new TreeSet<>(layout.datasetsInDataRoot());
            names.addAll(layout.datasetsWithBackups());
            return List.copyOf(names);
        } catch (IOException e) {
            throw FileOps.translate(e, "listing datasets");
        }
    }

    /** The cycles of {@code dataset}, ascending by label; empty when it has no backups. */
    List<CycleInfo> cycles(String dataset) {
        Layout.requireValidName(dataset);
        try {
            List<CycleInfo> cycles = new ArrayList<>();
            for (long label : layout.cycleLabels(dataset)) {
                try {
                    cycle(dataset, label).ifPresent(cycles::add);
                } catch (NoSuchFileException e) {
                    // read without the lock: a prune may take a cycle away while it is being read, as a whole (it
                    // renames the cycle directory first), so a cycle whose directory is gone is simply not listed
                    if (Files.isDirectory(layout.cycleDir(dataset, label))) {
                        throw e;
                    }
                }
            }
            return cycles;
        } catch (IOException e) {
            throw FileOps.translate(e, "listing the cycles of dataset '" + dataset + "'");
        }
    }

    /** One cycle as it is on disk; empty when its directory went away since the cycles were listed. */
    private Optional<CycleInfo> cycle(String dataset, long label) throws IOException {
        Map<String, String> sums = Checksums.read(layout.sums(dataset, label));
        TreeMap<Integer, Path> archives = layout.archives(dataset, label);
        if (archives.isEmpty() && !Files.isDirectory(layout.cycleDir(dataset, label))) {
            return Optional.empty();
        }
        List<Integer> missing = Layout.missingLevels(archives);
        int firstMissing = missing.isEmpty() ? Integer.MAX_VALUE : missing.get(0);
        List<LevelInfo> levels = new ArrayList<>();
        List<LevelInfo> afterGap = new ArrayList<>();
        for (Map.Entry<Integer, Path> entry : archives.entrySet()) {
            Path archive = entry.getValue();
            LevelInfo info = new LevelInfo(entry.getKey(), archive, Files.size(archive),
                    Files.getLastModifiedTime(archive).toInstant(), sums.get(archive.getFileName().toString()));
            (entry.getKey() < firstMissing ? levels : afterGap).add(info);
        }
        return Optional.of(new CycleInfo(label, layout.cycleDir(dataset, label), List.copyOf(levels),
                List.copyOf(missing), List.copyOf(afterGap)));
    }
}
