package org.aiod.backup.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import org.aiod.backup.config.BackupConfig;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * The one path of every command: validate, journal, queue, run on a bounded worker pool, publish one completion
 * event. Jobs of one dataset run one after another in arrival order; jobs of different datasets run in parallel,
 * up to {@code backup.workers}.
 */
@ApplicationScoped
public class JobService {

    private static final Logger LOG = Logger.getLogger(JobService.class);

    private final JobRunner runner;
    private final BackupConfig config;
    private final Instance<JobEventSink> sinks;
    private final Instance<LeftoverCleanup> leftovers;
    private final JobMetrics metrics;
    private final JobJournal journal;
    private final ExecutorService workers;

    private final Map<String, ArrayDeque<Job>> pending = new HashMap<>();
    private final Set<String> activeDatasets = new HashSet<>();
    private final Map<String, CompletableFuture<Job>> completions = new HashMap<>();
    private final List<CompletableFuture<Void>> capacityWaiters = new ArrayList<>();
    private final List<Job> recoveredInterrupted = new ArrayList<>();
    private final List<Job> recoveredQueued = new ArrayList<>();
    private int queued;
    private volatile boolean started;
    /** The first worker that died of an {@link Error}, as one line; {@code null} while none did. */
    private volatile String workerDeath;

    JobService(JobRunner runner, BackupConfig config, Instance<JobEventSink> sinks,
            Instance<LeftoverCleanup> leftovers, ObjectMapper json, JobMetrics metrics) {
        this.runner = runner;
        this.config = config;
        this.sinks = sinks;
        this.leftovers = leftovers;
        this.metrics = metrics;
        this.journal = new JobJournal(config.journalDir(), json,
                config.journal().keep());
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(config.workers(), r -> {
            Thread t = new Thread(r, "backup-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Loads the journal: what runs killed mid-way left on disk is removed, and jobs that were running when the
     * process died end {@code FAILED} with code {@code INTERRUPTED}. Their events go out, and queued jobs are queued
     * again, in {@link #resume} once the event channel is wired.
     */
    void start(@Observes @Priority(500) StartupEvent event) {
        List<Job> jobs;
        try {
            jobs = journal.load();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the job journal", e);
        }
        Map<String, List<String>> cleaned = cleanLeftovers();
        synchronized (this) {
            for (Job job : jobs) {
                if (job.status() == JobState.RUNNING) {
                    Job failed = job.failed(Instant.now(), new JobError(ErrorCode.INTERRUPTED, interruptedMessage(
                            cleaned.getOrDefault(job.dataset(), List.of()))));
                    journal.save(failed);
                    LOG.info(JobLog.finished(failed));
                    metrics.finished(failed);
                    recoveredInterrupted.add(failed);
                } else if (job.status() == JobState.QUEUED) {
                    recoveredQueued.add(job);
                }
            }
        }
        LOG.infof("job service loaded its journal: %d jobs, %d interrupted, %d queued", jobs.size(),
                recoveredInterrupted.size(), recoveredQueued.size());
    }

    /**
     * After SmallRye Reactive Messaging wired the event channel (its observer has priority 1000) and before commands
     * are received (2000): publishes the event of every interrupted job, whatever its source, so its caller learns
     * its end like any other's (a command message of one that the broker redelivers is answered from the journal
     * and gets the same event again), and queues the jobs that were queued, whose events then have somewhere to go.
     */
    void resume(@Observes @Priority(1500) StartupEvent event) {
        synchronized (this) {
            recoveredQueued.forEach(this::enqueue);
            recoveredQueued.clear();
            started = true;
        }
        for (Job job : recoveredInterrupted) {
            publish(job).whenComplete((v, error) -> {
                if (error != null) {
                    LOG.warnf("completion event of interrupted job %s was not accepted: %s", job.jobId(),
                            error.getMessage());
                }
            });
        }
        recoveredInterrupted.clear();
        LOG.infof("job service started: %d workers, queue capacity %d", config.workers(), config.queueCapacity());
    }

    /** What a job found running at start-up was, and what of its run was removed. */
    static String interruptedMessage(List<String> removed) {
        String message = "the service stopped while this job was running; nothing half-written was kept";
        if (removed.isEmpty()) {
            return message;
        }
        int shown = Math.min(removed.size(), 10);
        return message + "; removed at start-up: " + String.join(", ", removed.subList(0, shown))
                + (removed.size() > shown ? " and " + (removed.size() - shown) + " more" : "");
    }

    /** Runs the leftover clean-up when there is one; a failure of it is logged, never fatal. */
    private Map<String, List<String>> cleanLeftovers() {
        if (leftovers.isUnsatisfied()) {
            return Map.of();
        }
        try {
            Map<String, List<String>> cleaned = leftovers.get().clean();
            cleaned.forEach((dataset, removed) -> LOG.infof("dataset %s: removed at start-up what killed runs left: %s",
                    dataset, String.join(", ", removed)));
            return cleaned;
        } catch (RuntimeException e) {
            LOG.warnf(e, "leftovers of killed runs were not cleaned at start-up");
            return Map.of();
        }
    }

    void stop(@Observes ShutdownEvent event) {
        workers.shutdown();
        try {
            workers.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Accepts a command: answers it from the journal when its request or message id is known, rejects it when it
     * is invalid, otherwise queues it.
     *
     * @throws QueueFullException when the queue is at capacity
     */
    public Submission submit(JobCommand command) {
        Optional<Job> known = findExisting(command);
        if (known.isPresent()) {
            Job job = known.get();
            synchronized (this) {
                CompletableFuture<Job> running = completions.get(job.jobId());
                if (running != null) {
                    return new Submission(job, running, true);
                }
            }
            // finished before: answer with the recorded result, and publish it again
            return new Submission(job, publish(job).thenApply(v -> job), true);
        }
        Optional<JobError> invalid = runner.validate(command);
        if (invalid.isPresent()) {
            return reject(command, invalid.get());
        }
        synchronized (this) {
            // the same request may have arrived twice at once (two HTTP calls): only the first becomes a job
            Optional<Job> raced = findExisting(command);
            if (raced.isPresent()) {
                CompletableFuture<Job> running = completions.get(raced.get().jobId());
                return new Submission(raced.get(), running != null ? running
                        : publish(raced.get()).thenApply(v -> raced.get()), true);
            }
            if (queued >= config.queueCapacity()) {
                throw new QueueFullException(config.queueCapacity());
            }
            Job job = Job.queued(command, Instant.now());
            journal.save(job);
            CompletableFuture<Job> done = enqueue(job);
            return new Submission(job, done, false);
        }
    }

    /** Records a command that never runs (it could not even be parsed or validated) and publishes its event. */
    public Submission reject(JobCommand command, JobError error) {
        Job job = Job.rejected(command, Instant.now(), error);
        journal.save(job);
        LOG.info(JobLog.finished(job));
        metrics.finished(job);
        return new Submission(job, publish(job).thenApply(v -> job), false);
    }

    /** Completes when the queue has room: AMQP consumption waits on it instead of overflowing the queue. */
    public synchronized CompletionStage<Void> awaitCapacity() {
        if (queued < config.queueCapacity()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> waiter = new CompletableFuture<>();
        capacityWaiters.add(waiter);
        return waiter;
    }

    public Optional<Job> find(String jobId) {
        return journal.find(jobId);
    }

    /** Jobs, newest first, optionally of one dataset and one state. */
    public List<Job> list(String dataset, JobState status) {
        return journal.list(job -> (dataset == null || dataset.equals(job.dataset()))
                && (status == null || status == job.status()));
    }

    /**
     * Whether a job of {@code type} on {@code dataset} from {@code source} is queued or running in this process. The
     * journal says QUEUED from {@link #submit} until a worker records RUNNING, so a job a worker has just taken off
     * the queue still counts; {@code completions} holds exactly this process's jobs that have not finished yet (or
     * whose event is not yet accepted), so a job whose final state could not be journaled does not count forever.
     */
    public synchronized boolean hasUnfinished(String dataset, JobType type, JobSource source) {
        return !journal.list(job -> !job.status().isFinal() && completions.containsKey(job.jobId())
                && dataset.equals(job.dataset()) && job.type() == type && job.source() == source).isEmpty();
    }

    public synchronized int queueDepth() {
        return queued;
    }

    public boolean isStarted() {
        return started;
    }

    /** Whether the worker pool still accepts work and no worker died of an {@link Error}. */
    public boolean isAlive() {
        return !workers.isShutdown() && workerDeath == null;
    }

    /**
     * Why the process should be restarted: the first worker that died of an {@link Error} (an
     * {@code OutOfMemoryError}, a {@code StackOverflowError}, a failed assertion), with its job; {@code null} while
     * none did. Its job ended {@code FAILED}; the pool keeps running the next jobs, but the process may be damaged.
     */
    public String workerDeath() {
        return workerDeath;
    }

    private Optional<Job> findExisting(JobCommand command) {
        if (command.requestId() != null) {
            Optional<Job> byRequest = journal.findByRequestId(command.requestId());
            if (byRequest.isPresent()) {
                return byRequest;
            }
        }
        return command.messageId() == null ? Optional.empty() : journal.findByMessageId(command.messageId());
    }

    private CompletableFuture<Job> enqueue(Job job) {
        CompletableFuture<Job> done = new CompletableFuture<>();
        completions.put(job.jobId(), done);
        pending.computeIfAbsent(job.dataset(), d -> new ArrayDeque<>()).add(job);
        queued++;
        dispatch(job.dataset());
        return done;
    }

    /** Starts the next job of {@code dataset} unless one of its jobs is running. Called holding the monitor. */
    private void dispatch(String dataset) {
        ArrayDeque<Job> waiting = pending.get(dataset);
        if (activeDatasets.contains(dataset) || waiting == null || waiting.isEmpty()) {
            return;
        }
        activeDatasets.add(dataset);
        workers.execute(() -> runNext(dataset));
    }

    private void runNext(String dataset) {
        Job job;
        synchronized (this) {
            job = pending.get(dataset).poll();
            queued--;
            capacityWaiters.forEach(w -> w.complete(null));
            capacityWaiters.clear();
        }
        Job finished;
        Job running = null;
        // for structured (JSON) logs: every line logged while the job runs carries its id and dataset
        MDC.put("jobId", job.jobId());
        MDC.put("dataset", dataset);
        try {
            running = job.started(Instant.now());
            journal.save(running);
            LOG.info(JobLog.started(running));
            finished = runner.run(running);
            journal.save(finished);
            if (finished.status() == JobState.PARTIAL) {
                LOG.warn(JobLog.finished(finished));
                JobLog.missed(finished).forEach(LOG::warn);
            } else {
                LOG.info(JobLog.finished(finished));
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "job %s could not be recorded", job.jobId());
            finished = job.status() == JobState.QUEUED ? job.failed(Instant.now(), new JobError(ErrorCode.INTERNAL_ERROR,
                    String.valueOf(e))) : job;
        } catch (Error e) {
            finished = workerDied(job, running, e);
        } finally {
            MDC.remove("jobId");
            MDC.remove("dataset");
            synchronized (this) {
                activeDatasets.remove(dataset);
                dispatch(dataset);
            }
        }
        metrics.finished(finished);
        Job result = finished;
        CompletableFuture<Job> done;
        synchronized (this) {
            done = completions.get(job.jobId());
        }
        publish(result).whenComplete((v, error) -> {
            synchronized (this) {
                completions.remove(job.jobId());
            }
            if (error != null) {
                LOG.warnf("completion event of job %s was not accepted: %s", job.jobId(), error.getMessage());
                done.completeExceptionally(error);
            } else {
                done.complete(result);
            }
        });
    }

    /**
     * A worker died of an {@link Error} while running {@code job}: the job ends {@code FAILED} (code
     * {@code INTERNAL_ERROR}) as far as the journal can still be written, and liveness goes down, since an
     * {@code OutOfMemoryError} may have left the process unable to work. The worker thread itself survives.
     */
    private Job workerDied(Job queued, Job running, Error error) {
        String what = error.getClass().getName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
        if (workerDeath == null) {
            workerDeath = "a worker died of " + what + " running job " + queued.jobId() + " (" + queued.type() + " of "
                    + queued.dataset() + ") at " + Instant.now() + "; restart the process";
        }
        Job failed;
        try {
            failed = (running != null ? running : queued).failed(Instant.now(), new JobError(ErrorCode.INTERNAL_ERROR,
                    "the worker running this job died of " + what + "; nothing half-written was kept"));
        } catch (RuntimeException | Error e) {
            return queued;
        }
        try {
            LOG.errorf(error, "job %s: worker died of %s", queued.jobId(), what);
            journal.save(failed);
            LOG.info(JobLog.finished(failed));
        } catch (RuntimeException | Error e) {
            // the journal keeps it RUNNING: the next start marks it interrupted; the caller still gets this answer
            LOG.errorf(e, "job %s: its failure could not be recorded", queued.jobId());
        }
        return failed;
    }

    private CompletionStage<Void> publish(Job job) {
        if (sinks.isUnsatisfied()) {
            return CompletableFuture.completedFuture(null);
        }
        try {
            return sinks.get().publish(job);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
