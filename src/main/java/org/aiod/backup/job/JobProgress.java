package org.aiod.backup.job;

import org.aiod.backup.engine.Phase;

/**
 * How far a running job is, as the engine reports it: the step it reached and what it wrote (backup) or extracted
 * (restore) so far. A snapshot, sent to {@link JobEventSink#progress} on every change the engine reports; a sink
 * that publishes it decides how often.
 *
 * @param phase the last step reached, {@code null} before the first
 * @param filesDone file members written or extracted so far
 * @param bytesDone their content bytes, before compression
 */
public record JobProgress(String jobId, JobType type, String dataset, Phase phase, long filesDone, long bytesDone) {
}
