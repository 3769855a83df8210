package org.aiod.backup.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import org.aiod.backup.config.BackupConfig;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * The one path of every command: validate, store, queue, run, publish one completion event. Answers a command whose
 * request or message id it already knows from the {@link JobStore}; the queue and the worker pool are the
 * {@link JobDispatcher}'s (jobs of one dataset one after another in arrival order, of different datasets in
 * parallel); every transition is told to the {@link JobListener}s (the metrics).
 */
@ApplicationScoped
public class JobService {

    private static final Logger LOG = Logger.getLogger(JobService.class);

    private final JobRunner runner;
    private final JobStore store;
    private final JobDispatcher dispatcher;
    private final JobEventSink events;
    /** {@code null} when nothing is cleaned at start-up. */
    private final LeftoverCleanup leftovers;
    private final Iterable<JobListener> listeners;
    private final JobDispatcher.Work work = new JobDispatcher.Work() {
        @Override
        public Job run(Job job) {
            return runJob(job);
        }

        @Override
        public void ended(Job job, Job result) {
            jobEnded(job, result);
        }
    };

    /** This process's jobs that have not finished yet, or whose event is not yet accepted. */
    private final Map<String, CompletableFuture<Job>> completions = new HashMap<>();
    private final List<Job> recoveredInterrupted = new ArrayList<>();
    private final List<Job> recoveredQueued = new ArrayList<>();
    private volatile boolean started;

    @Inject
    JobService(JobRunner runner, BackupConfig config, JobDispatcher dispatcher, Instance<JobEventSink> sinks,
            Instance<LeftoverCleanup> leftovers, Instance<JobListener> listeners, ObjectMapper json) {
        this(runner, new JobJournal(config.journalDir(), json,
                config.journal().keep()), dispatcher, new OptionalSink(sinks),
                leftovers.isUnsatisfied() ? null : () -> leftovers.get().clean(), listeners);
    }

    /**
     * @param events where events go; {@link OptionalSink} when there may be none
     * @param leftovers what to clean at start-up, or {@code null} for nothing
     */
    JobService(JobRunner runner, JobStore store, JobDispatcher dispatcher, JobEventSink events,
            LeftoverCleanup leftovers, Iterable<JobListener> listeners) {
        this.runner = runner;
        this.store = store;
        this.dispatcher = dispatcher;
        this.events = events;
        this.leftovers = leftovers;
        this.listeners = listeners;
    }

    void start(@Observes @Priority(500) StartupEvent event) {
        recover();
    }

    void resume(@Observes @Priority(1500) StartupEvent event) {
        open();
    }

    void stop(@Observes ShutdownEvent event) {
        dispatcher.stop();
    }

    /**
     * Loads the store: what runs killed mid-way left on disk is removed, and jobs that were running when the
     * process died end {@code FAILED} with code {@code INTERRUPTED}. Their events go out, and queued jobs are queued
     * again, in {@link #open} once the event channel is wired.
     */
    void recover() {
        List<Job> jobs;
        try {
            jobs = store.load();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the job journal", e);
        }
        Map<String, List<String>> cleaned = cleanLeftovers();
        synchronized (this) {
            for (Job job : jobs) {
                if (job.status() == JobState.RUNNING) {
                    Job failed = job.failed(Instant.now(), new JobError(ErrorCode.INTERRUPTED, interruptedMessage(
                            cleaned.getOrDefault(job.dataset(), List.of()))));
                    store.save(failed);
                    LOG.info(JobLog.finished(failed));
                    recoveredInterrupted.add(failed);
                } else if (job.status() == JobState.QUEUED) {
                    recoveredQueued.add(job);
                }
            }
        }
        recoveredInterrupted.forEach(failed -> tell(listener -> listener.finished(failed)));
        List<Job> loaded = store.list(job -> true);
        tell(listener -> listener.loaded(loaded));
        journalLoaded = true;
        LOG.infof("job service loaded its journal: %d jobs, %d interrupted, %d queued", jobs.size(),
                recoveredInterrupted.size(), recoveredQueued.size());
    }

    /**
     * After SmallRye Reactive Messaging wired the event channel (its observer has priority 1000) and before commands
     * are received (2000): publishes the event of every interrupted job, whatever its source, so its caller learns
     * its end like any other's (a command message of one that the broker redelivers is answered from the journal
     * and gets the same event again), and queues the jobs that were queued, whose events then have somewhere to go.
     */
    void open() {
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
        LOG.infof("job service started: %d workers, queue capacity %d", dispatcher.workers(), dispatcher.capacity());
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
        if (leftovers == null) {
            return Map.of();
        }
        try {
            Map<String, List<String>> cleaned = leftovers.clean();
            cleaned.forEach((dataset, removed) -> LOG.infof("dataset %s: removed at start-up what killed runs left: %s",
                    dataset, String.join(", ", removed)));
            return cleaned;
        } catch (RuntimeException e) {
            LOG.warnf(e, "leftovers of killed runs were not cleaned at start-up");
            return Map.of();
        }
    }

    /**
     * Accepts a command: answers it from the store when its request or message id is known, rejects it when it
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
            if (dispatcher.isFull()) {
                throw new QueueFullException(dispatcher.capacity());
            }
            Job job = Job.queued(command, Instant.now());
            store.save(job);
            // before the dispatcher can start it, so that a listener sees queued before started
            tell(listener -> listener.queued(job));
            CompletableFuture<Job> done = enqueue(job);
            return new Submission(job, done, false);
        }
    }

    /** Records a command that never runs (it could not even be parsed or validated) and publishes its event. */
    public Submission reject(JobCommand command, JobError error) {
        Job job = Job.rejected(command, Instant.now(), error);
        store.save(job);
        LOG.info(JobLog.finished(job));
        tell(listener -> listener.rejected(job));
        return new Submission(job, publish(job).thenApply(v -> job), false);
    }

    /** Completes when the queue has room: AMQP consumption waits on it instead of overflowing the queue. */
    public CompletionStage<Void> awaitCapacity() {
        return dispatcher.awaitCapacity();
    }

    /** Set once {@link #recover} loaded the store: what other processes write after that is theirs, new. */
    private volatile boolean journalLoaded;

    /** How often the service looks for jobs other processes wrote, besides whenever jobs are read. */
    static final String JOURNAL_REFRESH = "5s";

    /**
     * Picks up the jobs another process sharing the journal (the one-shot command line, source {@code cli}) wrote
     * since the last look, and tells the listeners as if they had run here: metrics count them, the live stream
     * shows them. Called before every read of jobs and every {@value #JOURNAL_REFRESH}, so that the metrics follow
     * command-line runs nobody asks about.
     */
    @io.quarkus.scheduler.Scheduled(identity = "journal-refresh", every = JOURNAL_REFRESH,
            concurrentExecution = io.quarkus.scheduler.Scheduled.ConcurrentExecution.SKIP)
    void refreshJournal() {
        if (!journalLoaded) {
            return;
        }
        for (Job job : store.refresh()) {
            LOG.info("job from another process: " + JobLog.finished(job));
            if (job.status() == JobState.REJECTED) {
                tell(listener -> listener.rejected(job));
            } else if (job.status().isFinal()) {
                tell(listener -> listener.finished(job));
            }
        }
    }

    public Optional<Job> find(String jobId) {
        refreshJournal();
        return store.find(jobId);
    }

    /**
     * The paths {@code offset..offset+limit-1} of one kind of change of {@code job}'s plan, streamed from its plan
     * file; empty when the job has no plan or its whole lists are not kept.
     */
    public Optional<PlanPage> planPage(Job job, PlanKind kind, long offset, int limit) {
        if (job.plan() == null) {
            return Optional.empty();
        }
        return runner.planPaths(job.jobId(), kind, offset, limit)
                .map(paths -> new PlanPage(kind.wire(), offset, limit, kind.of(job.plan()).count(), paths));
    }

    /** The newest job of {@code type} on {@code dataset} that ended in one of {@code states}, from the journal. */
    public Optional<Job> lastFinished(String dataset, JobType type, List<JobState> states) {
        refreshJournal();
        return store.list(job -> dataset.equals(job.dataset()) && job.type() == type && states.contains(job.status()))
                .stream().max(java.util.Comparator.comparing(job -> job.finishedAt() == null ? job.queuedAt()
                        : job.finishedAt()));
    }

    /** The jobs queued or running, newest first. */
    public List<Job> unfinished() {
        return store.list(job -> !job.status().isFinal());
    }

    /** Jobs, newest first, optionally of one dataset and one state. */
    public List<Job> list(String dataset, JobState status) {
        refreshJournal();
        return store.list(job -> (dataset == null || dataset.equals(job.dataset()))
                && (status == null || status == job.status()));
    }

    /**
     * A page of the journal's jobs, newest first (by the instant they were queued, ties in the journal's order),
     * those of {@code query}'s filters that come after its position.
     */
    public JobPage page(JobPage.Query query) {
        refreshJournal();
        List<Job> matching = new ArrayList<>(store.list(query::matches));
        // the journal lists newest first by submission; a stable sort by instant keeps that order among equals
        matching.sort(java.util.Comparator.comparing(Job::queuedAt).reversed());
        int from = 0;
        if (query.after() != null) {
            from = matching.size();
            for (int i = 0; i < matching.size(); i++) {
                Job job = matching.get(i);
                if (job.jobId().equals(query.after().jobId())) {
                    from = i + 1;
                    break;
                }
                if (job.queuedAt().isBefore(query.after().queuedAt())) {
                    // the cursor's job left the journal: continue with the first one queued before it
                    from = i;
                    break;
                }
            }
        }
        int to = Math.min(matching.size(), from + query.limit());
        List<Job> jobs = List.copyOf(matching.subList(from, to));
        String next = to < matching.size() ? JobPage.Position.of(jobs.get(jobs.size() - 1)).cursor() : null;
        return new JobPage(jobs, next);
    }

    /**
     * Whether a job of {@code type} on {@code dataset} from {@code source} is queued or running in this process. The
     * store says QUEUED from {@link #submit} until a worker records RUNNING, so a job a worker has just taken off
     * the queue still counts; {@code completions} holds exactly this process's jobs that have not finished yet (or
     * whose event is not yet accepted), so a job whose final state could not be stored does not count forever.
     */
    public synchronized boolean hasUnfinished(String dataset, JobType type, JobSource source) {
        return !store.list(job -> !job.status().isFinal() && completions.containsKey(job.jobId())
                && dataset.equals(job.dataset()) && job.type() == type && job.source() == source).isEmpty();
    }

    public int queueDepth() {
        return dispatcher.queueDepth();
    }

    public boolean isStarted() {
        return started;
    }

    /** Whether the worker pool still accepts work and no worker died of an {@link Error}. */
    public boolean isAlive() {
        return dispatcher.isAlive();
    }

    /**
     * Why the process should be restarted: the first worker that died of an {@link Error} (an
     * {@code OutOfMemoryError}, a {@code StackOverflowError}, a failed assertion), with its job; {@code null} while
     * none did. Its job ended {@code FAILED}; the pool keeps running the next jobs, but the process may be damaged.
     */
    public String workerDeath() {
        return dispatcher.workerDeath();
    }

    private Optional<Job> findExisting(JobCommand command) {
        if (command.requestId() != null) {
            Optional<Job> byRequest = store.findByRequestId(command.requestId());
            if (byRequest.isPresent()) {
                return byRequest;
            }
        }
        return command.messageId() == null ? Optional.empty() : store.findByMessageId(command.messageId());
    }

    /** Called holding the monitor. */
    private CompletableFuture<Job> enqueue(Job job) {
        CompletableFuture<Job> done = new CompletableFuture<>();
        completions.put(job.jobId(), done);
        dispatcher.enqueue(job, work);
        return done;
    }

    /** On a worker: records the job running, runs it, records how it ended. */
    private Job runJob(Job job) {
        Job finished;
        Job running = null;
        // for structured (JSON) logs: every line logged while the job runs carries its id and dataset
        MDC.put("jobId", job.jobId());
        MDC.put("dataset", job.dataset());
        try {
            Job started = job.started(Instant.now());
            running = started;
            store.save(started);
            LOG.info(JobLog.started(started));
            tell(listener -> listener.started(started));
            try {
                finished = runner.run(started, new JobProgressListener(started, progressSink));
            } finally {
                latestProgress.remove(started.jobId());
            }
            store.save(finished);
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
        }
        return finished;
    }

    /** On the worker, once the job's dataset is free for its next job: tells the listeners, publishes the event. */
    private void jobEnded(Job job, Job result) {
        if (result.status().isFinal()) {
            tell(listener -> listener.finished(result));
        }
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
     * {@code INTERNAL_ERROR}) as far as the store can still be written, and liveness goes down, since an
     * {@code OutOfMemoryError} may have left the process unable to work. The worker thread itself survives.
     */
    private Job workerDied(Job queued, Job running, Error error) {
        String what = dispatcher.workerDied(queued, error);
        Job failed;
        try {
            failed = (running != null ? running : queued).failed(Instant.now(), new JobError(ErrorCode.INTERNAL_ERROR,
                    "the worker running this job died of " + what + "; nothing half-written was kept"));
        } catch (RuntimeException | Error e) {
            return queued;
        }
        try {
            LOG.errorf(error, "job %s: worker died of %s", queued.jobId(), what);
            store.save(failed);
            LOG.info(JobLog.finished(failed));
        } catch (RuntimeException | Error e) {
            // the store keeps it RUNNING: the next start marks it interrupted; the caller still gets this answer
            LOG.errorf(e, "job %s: its failure could not be recorded", queued.jobId());
        }
        return failed;
    }

    /** Where a running job's progress goes: the event sink and every listener (the live stream). */
    private final JobEventSink progressSink = new JobEventSink() {
        @Override
        public CompletionStage<Void> publish(Job job) {
            throw new UnsupportedOperationException("progress only: completion events go through publish");
        }

        @Override
        public void progress(JobProgress progress) {
            latestProgress.put(progress.jobId(), progress);
            events.progress(progress);
            tell(listener -> listener.progress(progress));
        }
    };

    /** The last progress report of each running job, for {@code GET /api/jobs/{id}}; removed when it ends. */
    private final Map<String, JobProgress> latestProgress = new java.util.concurrent.ConcurrentHashMap<>();

    /** How far {@code jobId} is, while it runs; empty before its first report and once it ended. */
    public Optional<JobProgress> progress(String jobId) {
        return Optional.ofNullable(latestProgress.get(jobId));
    }

    private CompletionStage<Void> publish(Job job) {
        try {
            return events.publish(job);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Tells every listener; one that throws is logged and skipped, it never fails a job. */
    private void tell(Consumer<JobListener> call) {
        for (JobListener listener : listeners) {
            try {
                call.accept(listener);
            } catch (RuntimeException e) {
                LOG.warnf(e, "job listener %s failed", listener.getClass().getName());
            }
        }
    }

    /** The event sink when there is one (the AMQP publisher); without one events are accepted and dropped. */
    static final class OptionalSink implements JobEventSink {

        private final Instance<JobEventSink> sinks;

        OptionalSink(Instance<JobEventSink> sinks) {
            this.sinks = sinks;
        }

        @Override
        public CompletionStage<Void> publish(Job job) {
            return sinks.isUnsatisfied() ? CompletableFuture.completedFuture(null) : sinks.get().publish(job);
        }

        @Override
        public void progress(JobProgress progress) {
            if (!sinks.isUnsatisfied()) {
                sinks.get().progress(progress);
            }
        }
    }
}
