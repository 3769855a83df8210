package org.aiod.backup.catalog;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * One level of a cycle: its archive, and what is known of it.
 *
 * @param level        the level, 0 for the full archive
 * @param archive      the archive file
 * @param size         its size in bytes
 * @param modified     when it was written
 * @param sha256       its checksum as listed in the cycle's {@code SHA256SUMS}, or {@code null} when unlisted (levels
 *                     written by the legacy scripts)
 * @param lastVerified when a verify last read this archive, as recorded; empty when none has since the archive was
 *                     last written (a verify of an archive changed since then no longer counts)
 * @param verify       what that verify found; empty when {@code lastVerified} is
 */
public record LevelEntry(int level, Path archive, long size, Instant modified, String sha256,
        Optional<Instant> lastVerified, Optional<LastVerify> verify) {

    /**
     * What is known of the archive's integrity. Only {@link #VERIFIED} says that the archive was read: a listed
     * checksum says what the archive was when written, not that it still is.
     */
    public enum ChecksumState {
        /** Listed in {@code SHA256SUMS} when written; never verified since (or changed after it was). */
        LISTED,
        /** No line in {@code SHA256SUMS} (a level written by the legacy scripts); never verified since. */
        UNLISTED,
        /** The last verify read it whole and found it good (see {@link LastVerify}). */
        VERIFIED,
        /** The last verify found it corrupt, or a drill of it found a bad member (see {@link LastVerify#detail}). */
        CORRUPT
    }

    /**
     * The last verify that read the level.
     *
     * @param at      when it finished
     * @param depth   how deep it looked
     * @param corrupt whether it found the level corrupt
     * @param detail  the checksum it read, or what it found wrong
     */
    public record LastVerify(Instant at, VerifyDepthName depth, boolean corrupt, String detail) {
    }

    public LevelEntry {
        verify = verify == null ? Optional.empty() : verify;
        lastVerified = lastVerified == null || lastVerified.isEmpty() ? verify.map(LastVerify::at) : lastVerified;
    }

    /** A level never verified. */
    public LevelEntry(int level, Path archive, long size, Instant modified, String sha256,
            Optional<Instant> lastVerified) {
        this(level, archive, size, modified, sha256, lastVerified, Optional.empty());
    }

    public ChecksumState checksum() {
        if (verify.isPresent()) {
            return verify.get().corrupt() ? ChecksumState.CORRUPT : ChecksumState.VERIFIED;
        }
        return sha256 != null ? ChecksumState.LISTED : ChecksumState.UNLISTED;
    }
}
