package org.aiod.backup.job;

import org.aiod.backup.engine.Phase;
import org.aiod.backup.engine.ProgressListener;
import org.jboss.logging.Logger;

/**
 * Turns the engine's progress calls for one running job into {@link JobProgress} snapshots for a
 * {@link JobEventSink}. Runs on the worker's thread; a sink that throws never fails or delays the job.
 */
final class JobProgressListener implements ProgressListener {

    private static final Logger LOG = Logger.getLogger(JobProgressListener.class);

    private final Job job;
    private final JobEventSink sink;
    private Phase phase;
    private long files;
    private long bytes;
    private boolean sinkFailed;

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
    public void file(String path, long size) {
        files++;
        bytes += size;
        report();
    }

    private void report() {
        try {
            sink.progress(new JobProgress(job.jobId(), job.type(), job.dataset(), phase, files, bytes));
        } catch (RuntimeException e) {
            if (!sinkFailed) {
                sinkFailed = true;
                LOG.warnf("progress of job %s not reported: %s", job.jobId(), e.toString());
            }
        }
    }
}
