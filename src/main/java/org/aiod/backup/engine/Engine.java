package org.aiod.backup.engine;

import java.util.List;
import java.util.Objects;

/**
 * The engine's entry point: back up a dataset, restore a cycle up to a level, and describe what is on disk. A thin
 * facade: each operation is one focused part of this package ({@link LevelWriter}, {@link RestoreRun},
 * {@link Verifier}, {@link Inventory}, {@link Leftovers}, {@link Browser}, {@link Pruner}); see "Engine structure" in docs/design.md. Thread-safe;
 * runs on the same dataset are serialised by a lock that also holds across processes.
 */
public final class Engine {

    private final EngineOptions options;
    private final LevelWriter levelWriter;
    private final RestoreRun restoreRun;
    private final Verifier verifier;
    private final Inventory inventory;
    private final Leftovers leftovers;
    private final Browser browser;
    private final Pruner pruner;
    private final VerifyRecords verifyRecords;
    private final OffsiteFetch offsiteFetch;

    public Engine(EngineOptions options) {
        this(options, FileContent.DIRECT);
    }

    Engine(EngineOptions options, FileContent fileContent) {
        this.options = options;
        Layout layout = new Layout(options.dataRoot(), options.backupRoot(), options.stateDir());
        this.levelWriter = new LevelWriter(options, layout, fileContent);
        this.restoreRun = new RestoreRun(options, layout);
        this.verifyRecords = new VerifyRecords(layout);
        this.verifier = new Verifier(options, layout, verifyRecords);
        this.inventory = new Inventory(layout);
        this.leftovers = new Leftovers(layout);
        this.browser = new Browser(layout);
        this.pruner = new Pruner(options, layout, inventory, verifyRecords);
        this.offsiteFetch = new OffsiteFetch(options, layout);
    }

    public EngineOptions options() {
        return options;
    }

    /** Writes the next level of {@code dataset}: level 0 of a new cycle, or the next incremental level. */
    public BackupSummary backup(String dataset) {
        return backup(dataset, ProgressListener.NONE);
    }

    public BackupSummary backup(String dataset, ProgressListener listener) {
        return levelWriter.backup(dataset, listener);
    }

    /** Makes the spec's dataset directory exactly the tree of its cycle at its level (null: the cycle's last). */
    public RestoreSummary restore(RestoreSpec spec) {
        return restore(spec, ProgressListener.NONE);
    }

    public RestoreSummary restore(RestoreSpec spec, ProgressListener listener) {
        return restoreRun.restore(Objects.requireNonNull(spec, "spec"), listener);
    }

    /** {@link #restore(RestoreSpec)} of {@code new RestoreSpec(dataset, cycle, level)}. */
    public RestoreSummary restore(String dataset, long cycle, Integer level) {
        return restore(new RestoreSpec(dataset, cycle, level));
    }

    /** The cycles of {@code dataset}, ascending by label; empty when it has no backups. */
    public List<CycleInfo> cycles(String dataset) {
        return inventory.cycles(dataset);
    }

    /** Every dataset: each top-level directory of the data root and each dataset that has backups, sorted. */
    public List<String> datasets() {
        return inventory.datasets();
    }

    /**
     * Reads every archive of {@code dataset} (of one cycle, or of all when {@code cycle} is null) to its end and
     * compares it with SHA256SUMS: a {@link VerifyDepth#CHECKSUMS} verify of those cycles. Changes no backup, and
     * records what it found per level read ({@link #verifications}). Takes the dataset's lock, so it sees no level
     * half-committed.
     */
    public List<LevelCheck> verify(String dataset, Long cycle) {
        return verifier.verify(dataset, cycle);
    }

    /**
     * Removes the cycles of {@code dataset} that {@code policy} does not keep, each whole and crash-safe (a killed
     * prune leaves a cycle whole or gone), under the dataset's lock; a dry run only decides. Never removes the cycle
     * being written or the newest cycle with a good level 0.
     */
    public PruneSummary prune(String dataset, RetentionPolicy policy, boolean dryRun, ProgressListener listener) {
        return pruner.prune(dataset, policy, dryRun, listener);
    }

    /**
     * {@link #prune(String, RetentionPolicy, boolean, ProgressListener)} with off-site copies: each cycle removed
     * locally that {@code offsite}'s keep rule does not keep, and each cycle only off-site it no longer keeps, is
     * written down for deletion from the store ({@link OffsitePruning#schedule}) before its local removal; the store
     * is not touched here. A dry run writes nothing and reports what would go from the store too.
     */
    public PruneSummary prune(String dataset, RetentionPolicy policy, boolean dryRun, ProgressListener listener,
            OffsitePruning offsite) {
        return pruner.prune(dataset, policy, dryRun, listener, offsite);
    }

    /**
     * Verifies {@code dataset} at {@code depth} under its lock and records, per level read, when and how it was
     * verified and what was found ({@link #verifications}). {@link VerifyDepth#CHECKSUMS} reads every archive of
     * every cycle; {@link VerifyDepth#DRILL} reads the chain of the newest restorable level, restores it into a
     * scratch directory in the engine's state and checks every member (see "Verify" in docs/design.md). What is
     * found corrupt is in the summary, not thrown.
     *
     * @throws BackupException.DatasetNotFound the dataset has no backups
     * @throws BackupException.LockTimeout     another run held the dataset's lock too long
     */
    public VerifySummary verify(String dataset, VerifyDepth depth, ProgressListener listener) {
        return verifier.verify(dataset, Objects.requireNonNull(depth, "depth"), listener);
    }

    /**
     * The last recorded verify of each level of {@code dataset} that has been verified, ordered by cycle then
     * level; empty when none has. Read without the lock. A level whose archive is gone or changed (size or
     * modification time) since it was verified is not listed.
     */
    public List<LevelVerified> verifications(String dataset) {
        Layout.requireValidName(dataset);
        return verifyRecords.current(dataset);
    }

    /**
     * Brings into the backup root the levels of {@code dataset} (of one cycle, or of all when {@code cycle} is null)
     * that {@code store} holds under {@code offsite} and the backup root lacks, and, with {@code replaceCorrupt},
     * those whose local archive fails its {@code SHA256SUMS} line (every local archive of those cycles is read for
     * that). Each is downloaded, checked against the store's {@code SHA256SUMS} and the object's recorded
     * {@code sha256} and size, and renamed into its cycle under the dataset's lock; a cycle absent locally appears
     * whole in one rename (see "Off-site copies" in docs/design.md).
     *
     * @throws BackupException.OffsiteCorrupt     a download failed its check: it was discarded, nothing of it written
     * @throws BackupException.OffsiteUnavailable the store could not be read
     */
    public FetchSummary fetch(String dataset, Long cycle, boolean replaceCorrupt, OffsiteStore store,
            OffsiteLayout offsite) {
        return offsiteFetch.fetch(dataset, cycle, replaceCorrupt, Objects.requireNonNull(store, "store"),
                Objects.requireNonNull(offsite, "offsite"));
    }

    /**
     * Removes or completes what killed runs left behind, for every dataset that has any: the temporary files of
     * backups, and the staging and swap directories of restores (as written down in the engine's state, see
     * Staging). Meant for the service's start-up, so that leftovers do not wait for the dataset's next job. Each
     * dataset is handled under its lock; one whose lock is held by another run is skipped (that run handles them).
     * A failure on one dataset is reported in its entry and does not stop the others. Datasets with nothing left
     * over are not listed.
     */
    public List<LeftoverRecovery> recoverLeftovers() {
        return leftovers.recover();
    }

    /**
     * The entries of a directory as it was at {@code level} of {@code cycle}, in listing order (bytewise by name),
     * read from the archives without restoring anything and without the lock. {@code path} is the directory inside
     * the dataset: names as {@link Names#shown} shows them, joined by {@code /}; empty for the dataset's top.
     *
     * @throws BackupException.PathNotFound the path is not in the tree at that level
     * @throws BackupException.InvalidPath  the path is malformed or names a file
     */
    public List<TreeEntry> list(String dataset, long cycle, int level, String path) {
        return browser.list(dataset, cycle, level, path);
    }

    /**
     * A file's content as it was at {@code level} of {@code cycle}: the archive holding it is read up to its member
     * before this returns, and the content streams from there. The caller closes it.
     *
     * @throws BackupException.PathNotFound the path is not in the tree at that level
     * @throws BackupException.InvalidPath  the path is malformed, or names a directory, a symbolic link or a
     *                                      special file
     */
    public ArchivedFile open(String dataset, long cycle, int level, String path) {
        return browser.open(dataset, cycle, level, path);
    }
}
