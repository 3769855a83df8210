package org.aiod.backup.engine;

import java.nio.file.Path;
import java.time.Instant;

/**
 * One committed level of a cycle.
 *
 * @param level    the level, 0 for the full archive
 * @param archive  the archive file
 * @param size     its size in bytes
 * @param modified when it was written
 * @param sha256   its checksum as listed in {@code SHA256SUMS}, or {@code null} when the list has no entry (levels
 *                 written by the legacy scripts)
 */
public record LevelInfo(int level, Path archive, long size, Instant modified, String sha256) {
}
