package org.aiod.backup.job;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;

import org.aiod.backup.catalog.CycleEntry;
import org.aiod.backup.catalog.DatasetCatalog;
import org.aiod.backup.catalog.LevelEntry;
import org.jboss.logging.Logger;

/**
 * The jobs' metrics, served in Prometheus format at {@code /q/metrics}. Micrometer names, with the Prometheus name
 * each becomes; tag values are lower case ({@code type} = the {@link JobType} constant's name in lower case, for every
 * constant, those added later included: {@code backup}|{@code restore}|..., {@code status} =
 * {@code succeeded}|{@code partial}|{@code failed}|{@code rejected}):
 * <ul>
 * <li>{@value #LAST_SUCCESS} ({@code backup_last_success_timestamp_seconds}), gauge, tags {@code dataset},
 * {@code type}: when the last successful job of that type (a backup, a restore, any other job type) of the dataset
 * finished, in seconds since the epoch; an alert on {@code type="verify"} needs nothing more than a verify job. At
 * start-up it is seeded from the job journal and, for backups, from the modification time of the dataset's newest
 * archive on disk (so backups the command line or the legacy scripts took count too); a dataset that never had
 * one has no series.</li>
 * <li>{@value #JOB_DURATION} ({@code backup_job_duration_seconds_count|sum|max}), timer, tags {@code dataset},
 * {@code type}, {@code status}: run time of each job that ran (started to finished, without the time queued).</li>
 * <li>{@value #JOBS} ({@code backup_jobs_total}), counter, tags {@code dataset}, {@code type}, {@code status}: jobs
 * by final status, rejected ones included. A rejected command whose dataset is not a managed one is counted
 * under {@code dataset="}{@value #UNKNOWN_DATASET}{@code "}, so that arbitrary names sent by a client do not
 * create series.</li>
 * <li>{@value #LAST_BYTES} ({@code backup_job_last_bytes}) and {@value #LAST_FILES} ({@code backup_job_last_files}),
 * gauges, tags {@code dataset}, {@code type}: content bytes (before compression) and file members of the dataset's
 * last successful backup (restore).</li>
 * <li>{@value #FILES_NOT_TAKEN} ({@code backup_files_not_taken_total}), counter, tag {@code dataset}: files that
 * backups could not read (permission denied, I/O error) and committed levels lack; each such job ends
 * {@code PARTIAL}, counted in {@value #JOBS} with {@code status="partial"}. A {@code PARTIAL} job is not a
 * success: it moves neither {@value #LAST_SUCCESS} nor the last-job gauges.</li>
 * <li>{@value #QUEUE_DEPTH} ({@code backup_queue_depth}), gauge: jobs accepted and not yet running.</li>
 * <li>{@value #LOCK_WAIT} ({@code backup_lock_wait_seconds_count|sum|max}), timer, tags {@code dataset},
 * {@code type}, {@code outcome} = {@code acquired}|{@code timeout}: how long runs waited for the dataset's lock
 * (held by another run, in this process or another, such as the command line); a run that gave up is recorded
 * with the configured {@code backup.lock-timeout}.</li>
 * </ul>
 * It learns of jobs as a {@link JobListener} of the job service, and reads the queue depth from the
 * {@link JobDispatcher}. Nothing here ever throws into the job service: a metric that cannot be recorded is logged
 * and skipped.
 */
@ApplicationScoped
public class JobMetrics implements JobListener {

    private static final Logger LOG = Logger.getLogger(JobMetrics.class);

    static final String LAST_SUCCESS = "backup.last.success.timestamp";
    static final String JOB_DURATION = "backup.job.duration";
    static final String JOBS = "backup.jobs";
    static final String LAST_BYTES = "backup.job.last.bytes";
    static final String LAST_FILES = "backup.job.last.files";
    static final String QUEUE_DEPTH = "backup.queue.depth";
    static final String LOCK_WAIT = "backup.lock.wait";
    static final String FILES_NOT_TAKEN = "backup.files.not.taken";
    /** Not a valid dataset name (those start with a letter or digit), so it never collides with one. */
    static final String UNKNOWN_DATASET = "_unknown";

    private final MeterRegistry registry;
    private final JobDispatcher queue;
    private final DatasetCatalog catalog;
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();

    JobMetrics(MeterRegistry registry, JobDispatcher queue, DatasetCatalog catalog) {
        this.registry = registry;
        this.queue = queue;
        this.catalog = catalog;
    }

    /**
     * After the job service loaded its journal (and told {@link #loaded}): the queue gauge, and the last successful
     * backups on disk.
     */
    void start(@Observes @Priority(600) StartupEvent event) {
        Gauge.builder(QUEUE_DEPTH, queue, JobDispatcher::queueDepth)
                .description("Jobs accepted and not yet running")
                .strongReference(true)
                .register(registry);
        seedFromDisk();
    }

    @Override
    public void rejected(Job job) {
        finished(job);
    }

    /** Records a job that reached a final state. */
    @Override
    public void finished(Job job) {
        try {
            if (job == null || job.status() == null || !job.status().isFinal()) {
                return;
            }
            String type = label(job.type());
            String status = job.status().name().toLowerCase(Locale.ROOT);
            String dataset = job.status() == JobState.REJECTED ? rejectedDataset(job.dataset()) : job.dataset();
            registry.counter(JOBS, Tags.of("dataset", dataset, "type", type, "status", status)).increment();
            boolean interrupted = job.error() != null && job.error().errorCode() == ErrorCode.INTERRUPTED;
            if (job.startedAt() != null && job.finishedAt() != null && !interrupted) {
                Timer.builder(JOB_DURATION)
                        .description("Run time of backup and restore jobs, from started to finished")
                        .tags("dataset", dataset, "type", type, "status", status)
                        .register(registry)
                        .record(Duration.between(job.startedAt(), job.finishedAt()));
            }
            if (job.missed() != null && job.missed().total() > 0) {
                registry.counter(FILES_NOT_TAKEN, Tags.of("dataset", dataset)).increment(job.missed().total());
            }
            if (job.status() == JobState.SUCCEEDED) {
                success(job.dataset(), type, job.finishedAt());
                gauge(LAST_BYTES, "bytes", "Content bytes (before compression) of the dataset's last successful job",
                        job.dataset(), type).set(job.bytes() == null ? 0 : job.bytes());
                gauge(LAST_FILES, null, "File members of the dataset's last successful job", job.dataset(), type)
                        .set(job.files() == null ? 0 : job.files());
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "cannot record the metrics of job %s", job == null ? null : job.jobId());
        }
    }

    /** Records how long a run waited for its dataset's lock; {@code acquired} false: it gave up after {@code wait}. */
    void lockWaited(JobType type, String dataset, Duration wait, boolean acquired) {
        try {
            if (wait == null) {
                return;
            }
            Timer.builder(LOCK_WAIT)
                    .description("Time runs waited for the dataset's lock")
                    .tags("dataset", dataset, "type", label(type), "outcome", acquired ? "acquired" : "timeout")
                    .register(registry)
                    .record(wait);
        } catch (RuntimeException e) {
            LOG.warnf(e, "cannot record the lock wait of dataset %s", dataset);
        }
    }

    /** The last successes the journal remembers, from the jobs as loaded at start-up (newest first). */
    @Override
    public void loaded(List<Job> jobs) {
        try {
            Set<String> seen = new HashSet<>();
            // newest first: the first SUCCEEDED job of each dataset and type is its last success
            for (Job job : jobs) {
                if (job.status() != JobState.SUCCEEDED) {
                    continue;
                }
                String type = label(job.type());
                if (job.dataset() != null && job.finishedAt() != null && seen.add(type + "/" + job.dataset())) {
                    success(job.dataset(), type, job.finishedAt());
                    gauge(LAST_BYTES, "bytes", "Content bytes (before compression) of the dataset's last successful"
                            + " job", job.dataset(), type).set(job.bytes() == null ? 0 : job.bytes());
                    gauge(LAST_FILES, null, "File members of the dataset's last successful job", job.dataset(), type)
                            .set(job.files() == null ? 0 : job.files());
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("last successful jobs not seeded from the journal: %s", e.toString());
        }
    }

    /** For backups, the newest archive on disk, when it is newer than what the journal said. */
    private void seedFromDisk() {
        try {
            for (String dataset : catalog.names()) {
                List<CycleEntry> cycles = catalog.cycles(dataset);
                Instant newest = null;
                for (CycleEntry cycle : cycles) {
                    for (LevelEntry level : cycle.levels()) {
                        if (newest == null || level.modified().isAfter(newest)) {
                            newest = level.modified();
                        }
                    }
                }
                if (newest != null) {
                    success(dataset, label(JobType.BACKUP), newest);
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("last successful backups not seeded from the backup root: %s", e.toString());
        }
    }

    /** Moves the last-success gauge of {@code dataset} and {@code type} forward to {@code at}, never back. */
    private void success(String dataset, String type, Instant at) {
        if (at == null) {
            return;
        }
        gauge(LAST_SUCCESS, "seconds", "When the dataset's last successful job of the type finished, in seconds"
                + " since the epoch (1970-01-01T00:00:00Z)", dataset, type).accumulateAndGet(at.toEpochMilli(),
                        Math::max);
    }

    /**
     * The value behind a per-dataset gauge, registered once. The value is held in milliseconds for
     * {@value #LAST_SUCCESS} (reported in seconds) and as is otherwise.
     */
    private AtomicLong gauge(String name, String unit, String description, String dataset, String type) {
        return gauges.computeIfAbsent(name + '\u0000' + dataset + '\u0000' + type, key -> {
            AtomicLong value = new AtomicLong();
            Gauge.Builder<AtomicLong> builder = LAST_SUCCESS.equals(name)
                    ? Gauge.builder(name, value, v -> v.get() / 1000.0)
                    : Gauge.builder(name, value, AtomicLong::doubleValue);
            builder.description(description).tags("dataset", dataset, "type", type).strongReference(true);
            if (unit != null) {
                builder.baseUnit(unit);
            }
            builder.register(registry);
            return value;
        });
    }

    /** The dataset tag of a rejected command: its name when it is a managed dataset, else {@value #UNKNOWN_DATASET}. */
    private String rejectedDataset(String dataset) {
        if (dataset == null || !org.aiod.backup.engine.DatasetName.isValid(dataset)) {
            return UNKNOWN_DATASET;
        }
        try {
            return catalog.manages(dataset) ? dataset : UNKNOWN_DATASET;
        } catch (RuntimeException e) {
            return UNKNOWN_DATASET;
        }
    }

    private static String label(JobType type) {
        return type == null ? "unknown" : type.name().toLowerCase(Locale.ROOT);
    }
}
