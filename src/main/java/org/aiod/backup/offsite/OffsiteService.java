package org.aiod.backup.offsite;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import org.aiod.backup.catalog.DatasetCatalog;
import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.engine.OffsiteLayout;
import org.aiod.backup.job.Job;
import org.aiod.backup.job.JobListener;
import org.aiod.backup.job.OffsiteAudit;
import org.aiod.backup.job.JobState;
import org.aiod.backup.job.JobType;

/**
 * The service's off-site copies: builds the S3 store and the {@link OffsiteUploader} from {@code backup.offsite.*}
 * when a bucket is set, starts the uploader at start-up and stops it at shutdown, wakes it when a backup of the
 * service commits a level (a {@link JobListener}), and serves its gauges at {@code /q/metrics}:
 * <ul>
 * <li>{@value #PENDING} ({@code backup_offsite_pending_levels}, tag {@code dataset}): levels committed on disk and not
 * yet in the store (pending or failed, retried);</li>
 * <li>{@value #BYTES} ({@code backup_offsite_bytes}, tag {@code dataset}): the size of the archives in the store;</li>
 * <li>{@value #OLDEST} ({@code backup_offsite_oldest_pending_age_seconds}): how long ago the oldest level still waiting
 * was committed; 0 when none waits;</li>
 * <li>{@value #LAST_UPLOAD} ({@code backup_offsite_last_upload_seconds}): when the last level reached the store, in
 * seconds since the epoch; 0 before any;</li>
 * <li>{@value #PENDING_DELETIONS} ({@code backup_offsite_pending_deletions}, tag {@code dataset}): cycles a prune
 * removed whose deletion from the store is written down and not done yet (waiting for the next round, or failed and
 * retried).</li>
 * </ul>
 * With off-site copies off there is no uploader and no per-dataset gauge; the other two are 0.
 */
@ApplicationScoped
public class OffsiteService implements JobListener, OffsiteAudit {

    static final String PENDING = "backup.offsite.pending.levels";
    static final String BYTES = "backup.offsite";
    static final String OLDEST = "backup.offsite.oldest.pending.age";
    static final String LAST_UPLOAD = "backup.offsite.last.upload";
    static final String PENDING_DELETIONS = "backup.offsite.pending.deletions";

    private final BackupConfig config;
    private final DatasetCatalog catalog;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    private volatile OffsiteUploader uploader;
    private volatile S3OffsiteStore store;

    @Inject
    OffsiteService(BackupConfig config, DatasetCatalog catalog, MeterRegistry registry) {
        this(config, catalog, registry, Clock.systemUTC());
    }

    OffsiteService(BackupConfig config, DatasetCatalog catalog, MeterRegistry registry, Clock clock) {
        this.config = config;
        this.catalog = catalog;
        this.registry = registry;
        this.clock = clock;
    }

    void start(@Observes @Priority(2000) StartupEvent event) {
        start();
        registerGauges();
    }

    void stop(@Observes ShutdownEvent event) {
        stop();
    }

    /** Builds and starts the uploader when off-site copies are on. */
    synchronized void start() {
        BackupConfig.Offsite offsite = config.offsite();
        if (!offsite.enabled() || uploader != null) {
            return;
        }
        store = S3OffsiteStore.create(offsite);
        uploader = new OffsiteUploader(catalog, store, new OffsiteLayout(offsite.prefix().orElse(null)),
                config.stateDir().resolve("offsite"), offsite.retryInitial(), offsite.retryMax(),
                offsite.scanInterval(), clock);
        uploader.start();
    }

    synchronized void stop() {
        if (uploader != null) {
            uploader.close();
            store.close();
            uploader = null;
            store = null;
        }
    }

    /** Whether off-site copies are on. */
    public boolean enabled() {
        return config.offsite().enabled();
    }

    /** The bucket the copies go to, when on. */
    public Optional<String> bucket() {
        return config.offsite().bucket().filter(b -> !b.isBlank());
    }

    /** The off-site state of every level known (empty when off), sorted by dataset, cycle and level. */
    public List<OffsiteLevel> levels() {
        OffsiteUploader u = uploader;
        return u == null ? List.of() : u.levels();
    }

    /** The off-site state of one level; empty when off, or when the uploader has not seen the level yet. */
    public Optional<OffsiteLevel> level(String dataset, long cycle, int level) {
        OffsiteUploader u = uploader;
        return u == null ? Optional.empty() : u.level(dataset, cycle, level);
    }

    /** Checks that the store answers and the bucket exists; throws, saying why, when not (or when off). */
    public void checkStore() throws IOException {
        OffsiteUploader u = uploader;
        if (u == null) {
            throw new IOException("off-site copies are off or not started");
        }
        u.checkStore();
    }

    /** The off-site objects of the dataset's uploaded levels that are missing or differ (empty when off). */
    @Override
    public List<String> problems(String dataset) {
        OffsiteUploader u = uploader;
        return u == null ? List.of() : u.audit(dataset);
    }

    /**
     * The off-site part of a prune, with off-site copies on: the keep rule of {@code backup.offsite.retention.*}, the
     * deletions written down for the uploader; {@code null} when off.
     */
    @Override
    public org.aiod.backup.engine.OffsitePruning pruning() {
        OffsiteUploader u = uploader;
        return u == null ? null : u.pruning(config.offsiteRetentionPolicy());
    }

    /** The deletions from the store written down by prunes and not done yet (empty when off). */
    public List<OffsiteDeletion> deletions() {
        OffsiteUploader u = uploader;
        return u == null ? List.of() : u.deletions();
    }

    /**
     * A backup that committed a level: upload it now rather than at the next scan. A prune (one that ran, whatever
     * its end) that may have written deletions down: do them now.
     */
    @Override
    public void finished(Job job) {
        OffsiteUploader u = uploader;
        if (u != null && ((job.type() == JobType.BACKUP
                && (job.status() == JobState.SUCCEEDED || job.status() == JobState.PARTIAL))
                || job.type() == JobType.PRUNE)) {
            u.wake();
        }
        registerGauges();
    }

    /** The levels still waiting, per dataset (every dataset with a known level, 0 when none waits). */
    Map<String, Long> pendingByDataset() {
        Map<String, Long> pending = new TreeMap<>();
        for (OffsiteLevel l : levels()) {
            pending.merge(l.dataset(), l.waiting() ? 1L : 0L, Long::sum);
        }
        return pending;
    }

    /** Seconds since the oldest waiting level was committed; 0 when none waits. */
    double oldestPendingAgeSeconds() {
        Instant now = clock.instant();
        return levels().stream().filter(OffsiteLevel::waiting).map(OffsiteLevel::committed).min(Instant::compareTo)
                .map(c -> Math.max(0, Duration.between(c, now).toMillis() / 1000.0)).orElse(0.0);
    }

    /** When the last level reached the store, seconds since the epoch; 0 before any. */
    double lastUploadEpochSeconds() {
        return levels().stream().map(OffsiteLevel::uploaded).filter(u -> u != null).max(Instant::compareTo)
                .map(u -> u.toEpochMilli() / 1000.0).orElse(0.0);
    }

    private long pending(String dataset) {
        return levels().stream().filter(l -> l.dataset().equals(dataset) && l.waiting()).count();
    }

    private long bytes(String dataset) {
        return levels().stream().filter(l -> l.dataset().equals(dataset) && !l.waiting())
                .mapToLong(OffsiteLevel::bytes).sum();
    }

    /**
     * The global gauges once, served when off-site copies are off too (at 0, so an alert on them stays quiet), and,
     * when on, a dataset's two when it is first seen (at start-up or after a job).
     */
    void registerGauges() {
        if (registered.add("")) {
            Gauge.builder(OLDEST, this, OffsiteService::oldestPendingAgeSeconds).baseUnit("seconds")
                    .description("How long ago the oldest level not yet off-site was committed; 0 when none waits")
                    .strongReference(true).register(registry);
            Gauge.builder(LAST_UPLOAD, this, OffsiteService::lastUploadEpochSeconds).baseUnit("seconds")
                    .description("When the last level reached the off-site store (seconds since the epoch); 0 before"
                            + " any")
                    .strongReference(true).register(registry);
        }
        if (uploader == null) {
            return;
        }
        for (String dataset : catalog.names()) {
            if (registered.add(dataset)) {
                Gauge.builder(PENDING, this, s -> s.pending(dataset)).tag("dataset", dataset)
                        .description("Levels committed on disk and not yet in the off-site store (pending or failed,"
                                + " retried)")
                        .strongReference(true).register(registry);
                Gauge.builder(BYTES, this, s -> s.bytes(dataset)).tag("dataset", dataset).baseUnit("bytes")
                        .description("Size of the dataset's archives in the off-site store")
                        .strongReference(true).register(registry);
                Gauge.builder(PENDING_DELETIONS, this,
                        s -> s.deletions().stream().filter(d -> d.dataset().equals(dataset)).count())
                        .tag("dataset", dataset)
                        .description("Cycles pruned whose deletion from the off-site store is not done yet (waiting"
                                + " or failed, retried)")
                        .strongReference(true).register(registry);
            }
        }
    }
}
