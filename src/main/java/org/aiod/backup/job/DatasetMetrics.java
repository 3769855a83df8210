package org.aiod.backup.job;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

import org.aiod.backup.catalog.CycleEntry;
import org.aiod.backup.catalog.DatasetCatalog;
import org.aiod.backup.catalog.LevelEntry;
import org.jboss.logging.Logger;

/**
 * What each managed dataset keeps on the backup root, served at {@code /q/metrics}; gauges, tag {@code dataset}:
 * <ul>
 * <li>{@value #BYTES} ({@code backup_dataset_bytes}): the size of its archives on disk, every cycle, levels after a
 * gap included (what a prune would free, and what the volume holds);</li>
 * <li>{@value #CYCLES} ({@code backup_dataset_cycles}): its cycle directories;</li>
 * <li>{@value #UNVERIFIED} ({@code backup_dataset_levels_unverified}): its archives that no verify ever read through
 * ({@link LevelEntry#lastVerified()} empty).</li>
 * <li>{@value #CORRUPT} ({@code backup_dataset_levels_corrupt}): its archives whose last verify found them corrupt
 * ({@link LevelEntry.ChecksumState#CORRUPT}); a level rewritten or removed since is no longer counted.</li>
 * </ul>
 * Read from the {@link DatasetCatalog} when Prometheus scrapes: a directory listing of each cycle, the stat of each
 * archive and its {@code SHA256SUMS}, never an archive's content. One reading serves the four gauges of a dataset
 * for {@link #FRESH_NANOS} so that a scrape lists each dataset once. A dataset gets its gauges at start-up or, when it
 * appears later (a new directory in the data root), once any job of the service finishes; a dataset that is gone
 * keeps its series, at 0.
 */
@ApplicationScoped
public class DatasetMetrics implements JobListener {

    private static final Logger LOG = Logger.getLogger(DatasetMetrics.class);

    static final String BYTES = "backup.dataset.bytes";
    static final String CYCLES = "backup.dataset.cycles";
    static final String UNVERIFIED = "backup.dataset.levels.unverified";
    static final String CORRUPT = "backup.dataset.levels.corrupt";
    /** How long one reading of a dataset serves its gauges: longer than a scrape takes, shorter than any interval. */
    static final long FRESH_NANOS = 2_000_000_000L;

    private final MeterRegistry registry;
    private final DatasetCatalog catalog;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    private final Map<String, Reading> readings = new ConcurrentHashMap<>();

    /** One reading of a dataset's cycles. */
    private record Reading(long at, long bytes, long cycles, long unverified, long corrupt) {
    }

    private final long freshNanos;

    @Inject
    DatasetMetrics(MeterRegistry registry, DatasetCatalog catalog) {
        this(registry, catalog, FRESH_NANOS);
    }

    DatasetMetrics(MeterRegistry registry, DatasetCatalog catalog, long freshNanos) {
        this.registry = registry;
        this.catalog = catalog;
        this.freshNanos = freshNanos;
    }

    void start(@Observes @Priority(600) StartupEvent event) {
        registerDatasets();
    }

    /** Any job that ends may have made a dataset (a first backup of a new directory, a restore of a lost one). */
    @Override
    public void finished(Job job) {
        registerDatasets();
    }

    /** Gauges for every managed dataset that has none yet; logs and skips when the catalog cannot be read. */
    void registerDatasets() {
        List<String> names;
        try {
            names = catalog.names();
        } catch (RuntimeException e) {
            LOG.warnf("dataset metrics not registered: cannot list the datasets: %s", e.toString());
            return;
        }
        for (String dataset : names) {
            if (registered.add(dataset)) {
                gauge(BYTES, "bytes", "Size of the dataset's archives on the backup root", dataset, Reading::bytes);
                gauge(CYCLES, null, "Cycles of the dataset on the backup root", dataset, Reading::cycles);
                gauge(UNVERIFIED, null, "Archives of the dataset that no verify has read through", dataset,
                        Reading::unverified);
                gauge(CORRUPT, null, "Archives of the dataset that their last verify found corrupt", dataset,
                        Reading::corrupt);
            }
        }
    }

    private void gauge(String name, String unit, String description, String dataset, ToLongFunction<Reading> value) {
        Gauge.Builder<DatasetMetrics> builder = Gauge.builder(name, this, m -> m.read(dataset, value))
                .description(description).tag("dataset", dataset).strongReference(true);
        if (unit != null) {
            builder.baseUnit(unit);
        }
        builder.register(registry);
    }

    private double read(String dataset, ToLongFunction<Reading> value) {
        long now = System.nanoTime();
        Reading reading = readings.get(dataset);
        if (reading == null || now - reading.at() > freshNanos) {
            try {
                reading = reading(dataset, now);
            } catch (RuntimeException e) {
                LOG.debugf(e, "cannot read the cycles of dataset %s", dataset);
                return Double.NaN;
            }
            readings.put(dataset, reading);
        }
        return value.applyAsLong(reading);
    }

    private Reading reading(String dataset, long now) {
        List<CycleEntry> cycles = catalog.cycles(dataset);
        long bytes = 0;
        long unverified = 0;
        long corrupt = 0;
        for (CycleEntry cycle : cycles) {
            bytes += cycle.bytes();
            for (List<LevelEntry> levels : List.of(cycle.levels(), cycle.levelsAfterGap())) {
                unverified += levels.stream().filter(l -> l.lastVerified().isEmpty()).count();
                corrupt += levels.stream().filter(l -> l.checksum() == LevelEntry.ChecksumState.CORRUPT).count();
            }
        }
        return new Reading(now, bytes, cycles.size(), unverified, corrupt);
    }
}
