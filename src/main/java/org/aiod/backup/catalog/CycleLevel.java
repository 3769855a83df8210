package org.aiod.backup.catalog;

import java.time.Instant;

/**
 * One level named with its cycle: what a point-in-time restore chose ({@link DatasetCatalog#levelAt}).
 *
 * @param cycle the cycle label
 * @param level the level, with its archive and when it was completed
 */
public record CycleLevel(long cycle, LevelEntry level) {

    /** When the level was completed: its archive's modification time (see {@link DatasetCatalog#levelAt}). */
    public Instant completed() {
        return level.modified();
    }
}
