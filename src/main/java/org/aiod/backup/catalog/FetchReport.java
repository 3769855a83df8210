package org.aiod.backup.catalog;

import java.util.List;

/**
 * What a fetch from the off-site store brought into the backup root ({@link DatasetCatalog#fetch}).
 *
 * @param dataset the dataset
 * @param levels  the levels downloaded, checked and landed, by cycle then level; empty when nothing was lacking
 */
public record FetchReport(String dataset, List<FetchedLevel> levels) {

    /**
     * A level fetched.
     *
     * @param cycle  the cycle
     * @param level  the level
     * @param bytes  the size of its archive
     * @param reason {@code missing} (not in the backup root) or {@code corrupt} (its local archive failed its
     *               {@code SHA256SUMS} line and was replaced)
     */
    public record FetchedLevel(long cycle, int level, long bytes, String reason) {
    }

    /** One line per level, {@code cycle <c> level <l> (<reason>, <bytes> bytes)}, as the CLI and job warnings say. */
    public List<String> lines() {
        return levels.stream().map(l -> "cycle " + l.cycle() + " level " + l.level() + " (" + l.reason() + ", "
                + l.bytes() + " bytes)").toList();
    }
}
