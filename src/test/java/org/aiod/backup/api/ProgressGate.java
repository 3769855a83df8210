package org.aiod.backup.api;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.aiod.backup.job.JobListener;
import org.aiod.backup.job.JobProgress;

/**
 * Holds a running job mid-way, for tests that look at it while it runs: the job service tells its listeners each
 * progress report on the worker's thread, so a listener that waits holds the job there, its last report already
 * what {@code GET /api/jobs/{id}} answers. Only for a dataset a test armed, and only at its first report with a
 * byte total; every other job passes untouched.
 */
@ApplicationScoped
public class ProgressGate implements JobListener {

    /** One armed dataset: entered when its job is held, opened by the test. */
    record Gate(CountDownLatch entered, CountDownLatch open) {
    }

    private static final ConcurrentHashMap<String, Gate> GATES = new ConcurrentHashMap<>();

    /** Holds the next job of {@code dataset} at its first report with a byte total, until {@link Gate#open}. */
    static Gate arm(String dataset) {
        Gate gate = new Gate(new CountDownLatch(1), new CountDownLatch(1));
        GATES.put(dataset, gate);
        return gate;
    }

    @Override
    public void progress(JobProgress progress) {
        if (progress.bytesTotal() == null) {
            return;
        }
        Gate gate = GATES.remove(progress.dataset());
        if (gate == null) {
            return;
        }
        gate.entered().countDown();
        try {
            // never held for good: a test that fails before opening it lets the job go on after a while
            gate.open().await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
