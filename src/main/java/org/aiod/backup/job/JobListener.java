package org.aiod.backup.job;

import java.util.List;

/**
 * Observes the transitions of jobs, as the job service records them (each after the new state is in the
 * {@link JobStore}). Every method has a no-op default. Called on the thread making the transition, outside the job
 * service's lock; a listener must not block, and what it throws is logged and ignored, never failing a job.
 */
public interface JobListener {

    /**
     * The store as loaded at start-up, newest first, the jobs found {@code RUNNING} already {@code FAILED} (each of
     * those was also passed to {@link #finished}). Called once, before any other job is queued.
     */
    default void loaded(List<Job> jobs) {
    }

    /** A new job entered the queue ({@code null -> QUEUED}); jobs queued again after a restart are not new. */
    default void queued(Job job) {
    }

    /** A worker started the job ({@code QUEUED -> RUNNING}). */
    default void started(Job job) {
    }

    /** The job reached a final state after being queued: {@code SUCCEEDED}, {@code PARTIAL} or {@code FAILED}. */
    default void finished(Job job) {
    }

    /** A command was recorded as a job that never runs ({@code null -> REJECTED}). */
    default void rejected(Job job) {
    }

    /**
     * How far a running job is: called on the worker's thread at every step and file the engine reports, between
     * {@link #started} and {@link #finished}, so it must return at once; a listener that shows it decides how often.
     */
    default void progress(JobProgress progress) {
    }
}
