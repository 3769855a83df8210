package org.aiod.backup.job;

import java.time.Instant;

import org.aiod.backup.engine.Phase;

/**
 * How far a running job is, as the engine reports it: the step it reached, what it handled so far against the
 * totals once they are known, its rate and the time it still needs. A snapshot, sent to {@link JobEventSink#progress}
 * and the {@link JobListener}s on every change the engine reports; a sink that publishes it decides how often. What
 * the counts count depends on the job's type:
 * <ul>
 * <li>backup: file members written and their content bytes, before compression; the totals are the walk's, an
 * estimate;</li>
 * <li>restore, verify: bytes of backup archives read against the archives' sizes on disk (exact; a drill reads its
 * chain twice), and file members extracted, which have no total ({@code filesTotal} stays {@code null}: what a level
 * holds is known only once it is read);</li>
 * <li>prune: files and bytes of the cycles removed against those of the cycles to remove (exact).</li>
 * </ul>
 *
 * @param phase          the last step reached, {@code null} before the first
 * @param filesDone      file members written, extracted or removed so far
 * @param filesTotal     file members the job will write or remove, {@code null} until known (a backup knows it
 *                       when its walk of the tree ends) and for a restore or verify
 * @param bytesDone      bytes handled so far: content (backup), archive bytes read (restore, verify) or removed
 *                       (prune)
 * @param bytesTotal     bytes the job will handle, {@code null} until known
 * @param estimated      whether the totals are an estimate: a backup's are the files as the walk saw them, which
 *                       may grow, shrink or vanish before they are read
 * @param bytesPerSecond bytes a second since the job started
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
