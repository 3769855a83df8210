package org.aiod.backup.engine;

import java.nio.file.Path;

/**
 * What reading one archive to its end found.
 *
 * @param cycle   the cycle
 * @param level   the level
 * @param archive the archive read
 * @param status  {@link Status#OK}, {@link Status#UNLISTED} (readable, but SHA256SUMS has no line for it),
 *                {@link Status#CORRUPT}, or {@link Status#MISSING} (no archive for this level although a higher
 *                level has one: a gap that breaks the chain)
 * @param detail  the checksum found, why the archive is corrupt, or which levels the gap makes unrestorable
 */
public record LevelCheck(long cycle, int level, Path archive, Status status, String detail) {

    public enum Status {
        OK, UNLISTED, CORRUPT, MISSING
    }
}
