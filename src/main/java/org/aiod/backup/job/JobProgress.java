package org.aiod.backup.job;

import java.time.Instant;

import org.aiod.backup.engine.Phase;

/**
 * How far a running job is, as the engine reports it: the step it reached, what it wrote (backup) or extracted
 * (restore) so far against the totals once they are known, its rate and the time it still needs. A snapshot, sent
 * to {@link JobEventSink#progress} and the {@link JobListener}s on every change the engine reports; a sink that
 * publishes it decides how often.
 *
 * @param phase          the last step reached, {@code null} before the first
 * @param filesDone      file members written or extracted so far
 * @param filesTotal     file members the job will write or extract, {@code null} until known (a backup knows it
 *                       when its walk of the tree ends)
 * @param bytesDone      content bytes of those files so far, before compression
 * @param bytesTotal     content bytes the job will handle, {@code null} until known
 * @param estimated      whether the totals are an estimate: a backup's are the files as the walk saw them, which
 *                       may grow, shrink or vanish before they are read
 * @param bytesPerSecond content bytes a second since the job started
 * @param etaSeconds     seconds the job still needs at that rate, {@code null} while the totals or the rate are
 *                       unknown
 * @param at             when this snapshot was taken
 */
public record JobProgress(String jobId, JobType type, String dataset, Phase phase, long filesDone, Long filesTotal,
        long bytesDone, Long bytesTotal, boolean estimated, long bytesPerSecond, Long etaSeconds, Instant at) {

    /** A snapshot without totals, rate or time (tests and callers that only count). */
    public JobProgress(String jobId, JobType type, String dataset, Phase phase, long filesDone, long bytesDone) {
        this(jobId, type, dataset, phase, filesDone, null, bytesDone, null, false, 0, null, Instant.now());
    }
}
