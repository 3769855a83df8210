package org.aiod.backup.engine;

/**
 * Progress of a run, for a caller that wants to show or log it. Every method has a no-op default, so a listener
 * implements only what it uses; {@link #NONE} ignores everything. Methods are called on the thread of the run.
 */
public interface ProgressListener {

    /** A listener that ignores everything. */
    ProgressListener NONE = new ProgressListener() {
    };

    /** The run reached a step. */
    default void phase(Phase phase) {
    }

    /**
     * What the run will handle: for a backup, file members and their content bytes, known when its walk of the tree
     * ends, before any content is read ({@code estimate}: files may still change before they are read); for a prune,
     * the files and bytes in the cycles it removes (exact), before the first is removed. Called at most once, before
     * the run's first {@link #file} or {@link #removed}.
     */
    default void totals(long files, long bytes, boolean estimate) {
    }

    /**
     * Restore and verify, in place of {@link #totals}: the bytes of backup archives the run will read, their sizes on
     * disk (exact; a drill reads its chain twice, checked then restored), called once before the first archive is
     * read. From then on the run's bytes done are archive bytes read ({@link #read}), which end at this total: what a
     * restore extracts is not known before its archives are read (a level holds only what changed, and members'
     * sizes are in the archives), so its file members extracted ({@link #file}) have no total.
     */
    default void toRead(long archiveBytes) {
    }

    /** Restore and verify: {@code archiveBytes} more of the archives were read. */
    default void read(long archiveBytes) {
    }

    /** A file member was written (backup) or extracted (restore); {@code path} is relative to the dataset. */
    default void file(String path, long bytes) {
    }

    /** Prune: cycle {@code cycle} was removed, with the files and bytes in it (counted in {@link #totals}). */
    default void removed(long cycle, long files, long bytes) {
    }

    /** Something worth an operator's attention that did not fail the run; it is also in the summary. */
    default void warning(String message) {
    }
}
