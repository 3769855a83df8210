package org.aiod.backup.engine;

/**
 * The steps of a run, in the order they happen. A listener sees each one as it is reached; the crash tests stop
 * a process at each of them to prove that every step leaves the backup directory restorable.
 */
public enum Phase {
    /** The dataset lock is held and leftovers of killed runs are swept. */
    LOCKED,
    /** Backup: every directory member is in the archive. */
    DIRECTORIES_WRITTEN,
    /** Backup: every file member is in the archive; the temporary archive is not yet synced. */
    FILES_WRITTEN,
    /** Backup: the temporary archive and snapshot are synced but not yet in place. */
    ARCHIVE_SYNCED,
    /** Backup: the archive has its final name; the checksum list and the snapshot are not yet updated. */
    ARCHIVE_COMMITTED,
    /** Backup: SHA256SUMS lists the new archive; the snapshot is not yet advanced. */
    CHECKSUMS_WRITTEN,
    /** Backup: the snapshot has advanced; the level is complete. */
    SNAPSHOT_COMMITTED,
    /** Restore: the staged tree is complete and verified, the destination not yet touched. */
    STAGED,
    /** Restore: the old content has been moved aside; the staged tree is not yet in place. */
    OLD_CONTENT_MOVED,
    /** Restore: the staged tree is in place; the old content is about to be deleted. */
    SWAPPED,
    /** Verify, drill: the level is restored into the scratch directory, which is not yet checked nor removed. */
    DRILL_RESTORED,
    /** Prune, for each cycle removed: the cycle is written down; it is still whole in place. */
    PRUNE_RECORDED,
    /** Prune: the cycle directory is out of the backup directory, in the prune workspace; not yet deleted. */
    PRUNE_MOVED,
    /** Prune: the cycle directory is deleted; its record is not yet removed. */
    PRUNE_DELETED
}
