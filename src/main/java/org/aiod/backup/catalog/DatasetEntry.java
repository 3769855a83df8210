package org.aiod.backup.catalog;

import java.util.List;

/**
 * One managed dataset as it is on disk.
 *
 * @param name          the dataset's name
 * @param dataDirectory whether {@code <data-root>/<name>} exists (a dataset with backups and no directory is the
 *                      disaster case a restore recreates)
 * @param cycles        its cycles, ascending by label; empty when it has no backups
 */
public record DatasetEntry(String name, boolean dataDirectory, List<CycleEntry> cycles) {

    public DatasetEntry {
        cycles = List.copyOf(cycles);
    }
}
