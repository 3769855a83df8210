package org.aiod.backup.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.aiod.backup.catalog.DatasetCatalog;
import org.aiod.backup.engine.Engine;
import org.aiod.backup.engine.EngineOptions;
import org.aiod.backup.engine.ProgressListener;
import org.aiod.backup.engine.VerifyDepth;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lifecycle metrics, on real backups in temporary directories read through a real catalog: the last-success
 * gauge for every job type, and what each dataset keeps (bytes, cycles, levels never verified), read at scrape time.
 */
class LifecycleMetricsTest {

    @TempDir
    Path tmp;

    /** Every JobType constant, those added after this test too: its successful job has a last-success series. */
    @Test
    void aSuccessfulJobOfEveryTypeMovesItsLastSuccessGauge() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        JobMetrics metrics = new JobMetrics(registry, null, new DatasetCatalog(engine(), List.of("ds")));
        Instant finished = Instant.parse("2026-11-01T10:00:00Z");
        for (JobType type : JobType.values()) {
            metrics.finished(new Job("job-" + type, null, null, type, "ds", null, null, JobSource.HTTP,
                    JobState.SUCCEEDED, finished.minusSeconds(60), finished.minusSeconds(30), finished, 1L, 2L, null,
                    null, List.of(), null));
            String label = type.name().toLowerCase(Locale.ROOT);
            Gauge gauge = registry.find(JobMetrics.LAST_SUCCESS).tags("dataset", "ds", "type", label).gauge();
            assertNotNull(gauge, "last success of " + label);
            assertEquals(finished.getEpochSecond(), gauge.value(), label);
        }
    }

    @Test
    void eachDatasetsBytesCyclesAndUnverifiedLevelsAreReadFromTheBackupRoot() throws IOException {
        Engine engine = engine();
        Trees.write(tmp.resolve("data/ds/a.bin"), Trees.randomBytes(1, 50_000));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // every gauge read lists the dataset anew (the service reuses a reading for a scrape's three gauges)
        DatasetMetrics metrics = new DatasetMetrics(registry, new DatasetCatalog(engine, List.of()), 0);
        metrics.registerDatasets();
        assertEquals(0.0, value(registry, DatasetMetrics.BYTES, "ds"), "no backups yet");
        assertEquals(0.0, value(registry, DatasetMetrics.CYCLES, "ds"));
        assertEquals(0.0, value(registry, DatasetMetrics.UNVERIFIED, "ds"));

        // cycle length 2: levels 0 and 1 of cycle 0, level 0 of cycle 1
        engine.backup("ds");
        Trees.write(tmp.resolve("data/ds/b.bin"), Trees.randomBytes(2, 30_000));
        engine.backup("ds");
        engine.backup("ds");
        // a dataset that appears later gets its gauges once a job ends
        Trees.write(tmp.resolve("data/late/c.txt"), "late");
        engine.backup("late");
        metrics.finished(null);

        assertEquals(archiveBytes(tmp.resolve("backups/ds")), value(registry, DatasetMetrics.BYTES, "ds"));
        assertEquals(2.0, value(registry, DatasetMetrics.CYCLES, "ds"));
        assertEquals(3.0, value(registry, DatasetMetrics.UNVERIFIED, "ds"), "no level was ever verified");
        assertEquals(archiveBytes(tmp.resolve("backups/late")), value(registry, DatasetMetrics.BYTES, "late"));
        assertEquals(1.0, value(registry, DatasetMetrics.CYCLES, "late"));
        assertEquals(0.0, value(registry, DatasetMetrics.CORRUPT, "ds"));

        // a verify reads every level through: none is unverified; then one byte of level 1 is flipped and the next
        // verify finds it: one corrupt level, which the alert on backup_dataset_levels_corrupt fires on
        engine.verify("ds", VerifyDepth.CHECKSUMS, ProgressListener.NONE);
        assertEquals(0.0, value(registry, DatasetMetrics.UNVERIFIED, "ds"));
        assertEquals(0.0, value(registry, DatasetMetrics.CORRUPT, "ds"));
        Path level1 = tmp.resolve("backups/ds/ds_0/ds1.tar.gz");
        byte[] bytes = Files.readAllBytes(level1);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(level1, bytes);
        engine.verify("ds", VerifyDepth.CHECKSUMS, ProgressListener.NONE);
        assertEquals(1.0, value(registry, DatasetMetrics.CORRUPT, "ds"), "the flipped byte is found");
        assertEquals(0.0, value(registry, DatasetMetrics.UNVERIFIED, "ds"));
    }

    private Engine engine() {
        return new Engine(EngineOptions.defaults(tmp.resolve("data"), tmp.resolve("backups")).withCycleLength(2));
    }

    private static double value(SimpleMeterRegistry registry, String name, String dataset) {
        Gauge gauge = registry.find(name).tag("dataset", dataset).gauge();
        assertNotNull(gauge, name + " of " + dataset);
        return gauge.value();
    }

    private static double archiveBytes(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(p -> p.getFileName().toString().endsWith(".tar.gz")).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sum();
        }
    }
}
