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
 * @param warnings files that changed or vanished while being read, and entries that were skipped
 * @param duration wall time of the run, lock wait included
 * @param lockWait how long the run waited for the dataset's lock (part of {@code duration})
 */
public record BackupSummary(String dataset, long cycle, int level, Path archive, long files, long bytes,
        long archiveBytes, long directories, long deleted, List<String> warnings, Duration duration,
        Duration lockWait) {
}
