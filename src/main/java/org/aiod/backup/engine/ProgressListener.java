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
     * What the run will handle: file members and their content bytes. A backup knows them when its walk of the tree
     * ends, before any content is read ({@code estimate}: files may still change before they are read); a restore
     * before it extracts anything. Called at most once, before the run's first {@link #file}.
     */
    default void totals(long files, long bytes, boolean estimate) {
    }

    /** A file member was written (backup) or extracted (restore); {@code path} is relative to the dataset. */
    default void file(String path, long bytes) {
    }

    /** Something worth an operator's attention that did not fail the run; it is also in the summary. */
    default void warning(String message) {
    }
}
