package org.aiod.backup.catalog;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * One level of a cycle: its archive.
 *
 * @param level        the level, 0 for the full archive
 * @param archive      the archive file
 * @param size         its size in bytes
 * @param modified     when it was written
 * @param sha256       its checksum as listed in the cycle's {@code SHA256SUMS}, or {@code null} when unlisted (levels
 *                     written by the legacy scripts)
 * @param lastVerified when a verify last read this archive through; always empty for now, since verifies are not
 *                     recorded yet (the lifecycle issue records them)
 */
public record LevelEntry(int level, Path archive, long size, Instant modified, String sha256,
        Optional<Instant> lastVerified) {

    /** Whether the archive has a line in its cycle's {@code SHA256SUMS}. */
    public enum ChecksumState {
        /** Checksummed when written and listed: {@code sha256sum -c SHA256SUMS} in the cycle verifies it. */
        LISTED,
        /** No line in {@code SHA256SUMS}: a level written by the legacy scripts. */
        UNLISTED
    }

    public LevelEntry {
        lastVerified = lastVerified == null ? Optional.empty() : lastVerified;
    }

    public ChecksumState checksum() {
        return sha256 != null ? ChecksumState.LISTED : ChecksumState.UNLISTED;
    }
}
