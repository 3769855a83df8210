package org.aiod.backup.engine;

import java.time.Instant;

/**
 * The last verify that read one level, as the engine records it beside the dataset's backups.
 *
 * @param cycle  the cycle
 * @param level  the level
 * @param at     when that verify finished
 * @param depth  how deep it looked
 * @param status what it found for this level ({@link LevelCheck.Status#OK} or {@link LevelCheck.Status#UNLISTED}:
 *               read whole; {@link LevelCheck.Status#CORRUPT}: not)
 * @param detail the checksum read, or why the level is corrupt
 */
public record LevelVerified(long cycle, int level, Instant at, VerifyDepth depth, LevelCheck.Status status,
        String detail) {
}
