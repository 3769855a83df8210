package org.aiod.backup.job;

import java.util.concurrent.CompletionStage;

/** Where a job's events go: its completion event, and the progress of a running job. */
public interface JobEventSink {

    /** Sends the completion event of a finished job; the stage completes once the event is accepted downstream. */
    CompletionStage<Void> publish(Job job);

    /**
     * How far a running job is; called on the worker's thread at every step and file the engine reports, so it must
     * return at once. Ignored unless a sink reports progress.
     */
    default void progress(JobProgress progress) {
    }
}
