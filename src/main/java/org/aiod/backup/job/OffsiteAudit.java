package org.aiod.backup.job;

import java.util.List;

/**
 * The check of a dataset's off-site objects that a {@code checksums} verify adds when off-site copies are on: the
 * service's off-site copies implement it ({@code offsite.OffsiteService}), and the job runner fails the verify with
 * {@link ErrorCode#VERIFY_FAILED} when it answers problems.
 */
public interface OffsiteAudit {

    /**
     * What is wrong with the off-site objects of {@code dataset}'s uploaded levels that are still on disk: one line
     * per object missing, of another size, or with another {@code sha256} than the local {@code SHA256SUMS} lists,
     * naming the object. Empty when everything is right, or when off-site copies are off.
     */
    List<String> problems(String dataset);

    /**
     * The off-site part of a prune ({@link org.aiod.backup.engine.Engine#prune(String,
     * org.aiod.backup.engine.RetentionPolicy, boolean, org.aiod.backup.engine.ProgressListener,
     * org.aiod.backup.engine.OffsitePruning)}): {@code null} when off-site copies are off.
     */
    default org.aiod.backup.engine.OffsitePruning pruning() {
        return null;
    }

    /**
     * The command line's off-site copies only (a {@link JobRunner#standalone(org.aiod.backup.config.BackupConfig,
     * OffsiteAudit)} runner, which has no uploader thread to leave them to): does, now, the deletions from the store
     * written down for {@code dataset} whose cycles are out of the backup directory, and returns those still
     * pending, cycle to why (the store's answer). The service's uploader does its own after the prune: {@code null},
     * nothing done here.
     */
    default java.util.Map<Long, String> deleteNow(String dataset) {
        return null;
    }
}
