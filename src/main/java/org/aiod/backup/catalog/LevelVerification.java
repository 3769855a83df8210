package org.aiod.backup.catalog;

import java.nio.file.Path;

/**
 * What reading one archive to its end against its cycle's {@code SHA256SUMS} found.
 *
 * @param cycle   the cycle
 * @param level   the level
 * @param archive the archive read (for {@link Status#MISSING}, the name it would have)
 * @param status  what was found
 * @param detail  the checksum found, why the archive is corrupt, or which levels the gap makes unrestorable
 */
public record LevelVerification(long cycle, int level, Path archive, Status status, String detail) {

    public enum Status {
        /** Read to its end; its checksum matches its line in {@code SHA256SUMS}. */
        OK,
        /** Read to its end, but {@code SHA256SUMS} has no line for it (a level of the legacy scripts). */
        UNLISTED,
        /** Unreadable, or its checksum differs from its line. */
        CORRUPT,
        /** No archive for this level although a higher level has one: a gap that breaks the chain. */
        MISSING
    }
}
