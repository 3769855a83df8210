package org.aiod.backup.job;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.aiod.backup.config.BackupConfig;

/**
 * The queue and the worker pool: jobs wait per dataset in arrival order, at most one job of a dataset runs at a
 * time, jobs of different datasets run in parallel up to {@code workers}. The queue holds up to {@code capacity} jobs
 * not yet taken by a worker; {@link #awaitCapacity} lets a producer wait for room. It knows nothing of the journal
 * or of events: what a worker does with a job is the {@link Work} it was queued with.
 */
@ApplicationScoped
public class JobDispatcher {

    /** What a worker does with a job it took off the queue. */
    interface Work {

        /** Runs {@code job} on the worker's thread; returns the job as it ended. */
        Job run(Job job);

        /** Called on the same thread once the job's dataset is free for its next job, with what {@link #run} returned. */
        void ended(Job job, Job result);
    }

    private record Entry(Job job, Work work) {
    }

    private final int capacity;
    private final ExecutorService workers;
    private final int workerCount;

    private final Map<String, ArrayDeque<Entry>> pending = new HashMap<>();
    private final Set<String> activeDatasets = new HashSet<>();
    private final List<CompletableFuture<Void>> capacityWaiters = new ArrayList<>();
    private int queued;
    /** The first worker that died of an {@link Error}, as one line; {@code null} while none did. */
    private volatile String workerDeath;

    @Inject
    JobDispatcher(BackupConfig config) {
        this(config.workers(), config.queueCapacity());
    }

    JobDispatcher(int workers, int capacity) {
        this.capacity = capacity;
        this.workerCount = workers;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "backup-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    int workers() {
        return workerCount;
    }

    public int capacity() {
        return capacity;
    }

    /** Whether the queue is at capacity; a new job is then refused, not queued. */
    synchronized boolean isFull() {
        return queued >= capacity;
    }

    /**
     * Queues {@code job}, whatever the capacity (the caller checked {@link #isFull}, or re-queues jobs a restart
     * found queued), and starts it when no job of its dataset is running.
     */
    synchronized void enqueue(Job job, Work work) {
        pending.computeIfAbsent(job.dataset(), d -> new ArrayDeque<>()).add(new Entry(job, work));
        queued++;
        dispatch(job.dataset());
    }

    /** Completes when the queue has room: AMQP consumption waits on it instead of overflowing the queue. */
    public synchronized CompletionStage<Void> awaitCapacity() {
        if (queued < capacity) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> waiter = new CompletableFuture<>();
        capacityWaiters.add(waiter);
        return waiter;
    }

    /** Jobs accepted and not yet taken by a worker. */
    public synchronized int queueDepth() {
        return queued;
    }

    /** Whether the worker pool still accepts work and no worker died of an {@link Error}. */
    public boolean isAlive() {
        return !workers.isShutdown() && workerDeath == null;
    }

    /** See {@link JobService#workerDeath()}. */
    public String workerDeath() {
        return workerDeath;
    }

    /**
     * A worker running {@code job} died of {@code error}: remembered (the first one only) as the reason liveness is
     * down. Returns the error as one line.
     */
    String workerDied(Job job, Error error) {
        String what = error.getClass().getName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
        if (workerDeath == null) {
            workerDeath = "a worker died of " + what + " running job " + job.jobId() + " (" + job.type() + " of "
                    + job.dataset() + ") at " + Instant.now() + "; restart the process";
        }
        return what;
    }

    /** Stops taking jobs; waits up to 30 s for the running ones. */
    void stop() {
        workers.shutdown();
        try {
            workers.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the next job of {@code dataset} unless one of its jobs is running. Called holding the monitor. */
    private void dispatch(String dataset) {
        ArrayDeque<Entry> waiting = pending.get(dataset);
        if (activeDatasets.contains(dataset) || waiting == null || waiting.isEmpty()) {
            return;
        }
        activeDatasets.add(dataset);
        workers.execute(() -> runNext(dataset));
    }

    private void runNext(String dataset) {
        Entry next;
        synchronized (this) {
            next = pending.get(dataset).poll();
            queued--;
            capacityWaiters.forEach(w -> w.complete(null));
            capacityWaiters.clear();
        }
        Job result = next.job();
        try {
            result = next.work().run(next.job());
        } finally {
            synchronized (this) {
                activeDatasets.remove(dataset);
                dispatch(dataset);
            }
        }
        next.work().ended(next.job(), result);
    }
}
