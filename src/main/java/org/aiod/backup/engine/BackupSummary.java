package org.aiod.backup.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What one backup run did.
 *
 * @param dataset  the dataset backed up
 * @param cycle    the cycle the level belongs to
 * @param level    the level written, 0 for a full backup
 * @param archive  the archive written
 * @param files    file members written (regular files, symlinks, hard links)
 * @param bytes    bytes of file content written, before compression
 * @param archiveBytes size of the compressed archive
 * @param directories directories listed (each is a member at every level)
 * @param deleted  entries present at the previous level and gone now
 * @param warnings files that changed or vanished while being read, and entries that were skipped (sockets, FIFOs,
 *                 devices): nothing the dataset holds as data is missing because of them
 * @param duration wall time of the run, lock wait included
 * @param lockWait how long the run waited for the dataset's lock (part of {@code duration})
 * @param notTaken files that could not be read (permission denied, I/O error), the first
 *                 {@link #NOT_TAKEN_KEPT} of them; the level was committed without their content
 * @param notTakenCount how many files could not be read, all of them
 */
public record BackupSummary(String dataset, long cycle, int level, Path archive, long files, long bytes,
        long archiveBytes, long directories, long deleted, List<String> warnings, Duration duration,
        Duration lockWait, List<NotTaken> notTaken, long notTakenCount) {

    /** Files not taken that a summary names; beyond, only counted, so that memory stays flat. */
    public static final int NOT_TAKEN_KEPT = 1000;

    /** Whether the level lacks files the dataset has. */
    public boolean partial() {
        return notTakenCount > 0;
    }
}
