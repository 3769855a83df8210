package org.aiod.backup.job;

import java.time.Instant;

import org.aiod.backup.engine.Phase;
import org.aiod.backup.engine.ProgressListener;
import org.jboss.logging.Logger;

/**
 * Turns the engine's progress calls for one running job into {@link JobProgress} snapshots for a
 * {@link JobEventSink}: counts, the totals once the engine knows them, the rate since the job started and the time
 * left at that rate. Runs on the worker's thread; a sink that throws never fails or delays the job.
 */
final class JobProgressListener implements ProgressListener {

    private static final Logger LOG = Logger.getLogger(JobProgressListener.class);

    private final Job job;
    private final JobEventSink sink;
    private final long startedNanos = System.nanoTime();
    private Phase phase;
    private long files;
    private long bytes;
    private Long filesTotal;
    private Long bytesTotal;
    private boolean estimated;
    /** Restore and verify: bytes done are archive bytes read, not the content bytes of the files extracted. */
    private boolean countsArchiveBytes;
    private boolean sinkFailed;
    private long lastFileReport = System.nanoTime();

    /** How often a file reports a snapshot, at most: ten times under the watchers' once a second. */
    static final long FILE_REPORT_INTERVAL_NANOS = 100_000_000L;

    JobProgressListener(Job job, JobEventSink sink) {
        this.job = job;
        this.sink = sink;
    }

    @Override
    public void phase(Phase reached) {
        phase = reached;
        report();
    }

    @Override
    public void totals(long totalFiles, long totalBytes, boolean estimate) {
        filesTotal = totalFiles;
        bytesTotal = totalBytes;
        estimated = estimate;
        report();
    }

    @Override
    public void toRead(long archiveBytes) {
        bytesTotal = archiveBytes;
        countsArchiveBytes = true;
        report();
    }

    @Override
    public void read(long archiveBytes) {
        bytes += archiveBytes;
        maybeReport(false);
    }

    @Override
    public void removed(long cycle, long removedFiles, long removedBytes) {
        files += removedFiles;
        bytes += removedBytes;
        report();
    }

    @Override
    public void file(String path, long size) {
        files++;
        if (!countsArchiveBytes) {
            bytes += size;
        }
        maybeReport(files == 1);
    }

    private void maybeReport(boolean first) {
        // a snapshot per file (or per buffer read) would cost a clock read and an object per member of a
        // million-file tree; watchers see at most one a second anyway, and every phase reports the counts so far
        long now = System.nanoTime();
        if (now - lastFileReport >= FILE_REPORT_INTERVAL_NANOS || first) {
            lastFileReport = now;
            report();
        }
    }

    private void report() {
        try {
            long elapsedNanos = Math.max(1, System.nanoTime() - startedNanos);
            long rate = (long) (bytes * 1e9 / elapsedNanos);
            Long eta = null;
            if (bytesTotal != null && rate > 0) {
                eta = Math.max(0, bytesTotal - bytes) / rate;
            }
            sink.progress(new JobProgress(job.jobId(), job.type(), job.dataset(), phase, files, filesTotal, bytes,
                    bytesTotal, estimated, rate, eta, Instant.now()));
        } catch (RuntimeException e) {
            if (!sinkFailed) {
                sinkFailed = true;
                LOG.warnf("progress of job %s not reported: %s", job.jobId(), e.toString());
            }
        }
    }
}
