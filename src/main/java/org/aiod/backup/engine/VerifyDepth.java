package org.aiod.backup.engine;

/** How deep a verify looks. */
public enum VerifyDepth {
    /**
     * Reads every archive of the dataset to its end against its cycle's {@code SHA256SUMS} (archives of the legacy
     * scripts, which have no line there, by their gzip CRC).
     */
    CHECKSUMS,
    /**
     * A test restore: the newest level is restored into a scratch directory on the backup volume, every member is
     * checked against its archive and the snapshot, and the scratch directory is removed.
     */
    DRILL
}
