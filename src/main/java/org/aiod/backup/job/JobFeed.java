package org.aiod.backup.job;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

/**
 * The live feed of jobs, for the stream at {@code /api/jobs/stream} and the console: every transition as it is
 * recorded, and a running job's progress at most once a second (its first report and its last state always get
 * through, so a watcher never misses a start or an end). A subscriber is called on the thread of the transition and
 * must not block; one that throws is dropped, never failing or delaying a job.
 */
@ApplicationScoped
public class JobFeed implements JobListener {

    private static final Logger LOG = Logger.getLogger(JobFeed.class);
    /** How often a running job's progress is passed on, at most. */
    static final long PROGRESS_INTERVAL_NANOS = 1_000_000_000L;

    /** What a watcher is told. */
    public interface Subscriber {
        /** A job changed state (queued, started, finished or rejected): the job as stored. */
        void job(Job job);

        /** How far a running job is. */
        void progress(JobProgress progress);
    }

    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    /** When each running job's progress was last passed on (System.nanoTime). */
    private final Map<String, Long> lastProgress = new ConcurrentHashMap<>();

    /** Adds a watcher until the returned handle is closed. */
    public AutoCloseable subscribe(Subscriber subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    /** How many watchers there are now. */
    public int subscribers() {
        return subscribers.size();
    }

    @Override
    public void queued(Job job) {
        send(job);
    }

    @Override
    public void started(Job job) {
        send(job);
    }

    @Override
    public void finished(Job job) {
        lastProgress.remove(job.jobId());
        send(job);
    }

    @Override
    public void rejected(Job job) {
        send(job);
    }

    @Override
    public void progress(JobProgress progress) {
        if (subscribers.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        Long last = lastProgress.get(progress.jobId());
        if (last != null && now - last < PROGRESS_INTERVAL_NANOS) {
            return;
        }
        lastProgress.put(progress.jobId(), now);
        for (Subscriber subscriber : subscribers) {
            try {
                subscriber.progress(progress);
            } catch (RuntimeException e) {
                drop(subscriber, e);
            }
        }
    }

    private void send(Job job) {
        for (Subscriber subscriber : subscribers) {
            try {
                subscriber.job(job);
            } catch (RuntimeException e) {
                drop(subscriber, e);
            }
        }
    }

    private void drop(Subscriber subscriber, RuntimeException e) {
        subscribers.remove(subscriber);
        LOG.debugf("a job stream watcher was dropped: %s", e.toString());
    }
}
