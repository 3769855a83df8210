package org.aiod.backup.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wellness check of the backup root's free space against {@code backup.disk.warn-free}, and its gauges, on a real
 * directory without Quarkus. The free space of the file system moves while tests run, so thresholds are chosen far
 * from it (1 byte, the whole address space) and the gauge is compared within a margin.
 */
class DiskSpaceCheckTest {

    @TempDir
    Path tmp;

    @Test
    void lessFreeThanTheThresholdIsDownNamingTheFreeBytesAndTheThreshold() throws IOException {
        long threshold = Long.MAX_VALUE / 2;
        HealthCheckResponse response = new DiskSpaceCheck(tmp, threshold, new SimpleMeterRegistry()).call();

        assertEquals(HealthCheckResponse.Status.DOWN, response.getStatus());
        assertEquals("backup-disk", response.getName());
        Map<String, Object> data = response.getData().orElseThrow();
        long free = ((Number) data.get("freeBytes")).longValue();
        assertTrue(free > 0 && free < threshold, data.toString());
        String reason = (String) data.get("reason");
        assertTrue(reason.contains(free + " bytes free") && reason.contains(threshold + " bytes")
                && reason.contains(tmp.toString()), reason);
    }

    @Test
    void moreFreeThanTheThresholdOrTheWarningOffIsUp() {
        for (long threshold : new long[] {1, 0}) {
            HealthCheckResponse response = new DiskSpaceCheck(tmp, threshold, new SimpleMeterRegistry()).call();
            assertEquals(HealthCheckResponse.Status.UP, response.getStatus(), "threshold " + threshold);
            assertEquals(threshold, ((Number) response.getData().orElseThrow().get("warnFreeBytes")).longValue());
        }
    }

    @Test
    void aBackupRootThatCannotBeReadIsDownAndSaysWhy() {
        HealthCheckResponse response = new DiskSpaceCheck(tmp.resolve("not-mounted"), 1, new SimpleMeterRegistry())
                .call();

        assertEquals(HealthCheckResponse.Status.DOWN, response.getStatus());
        assertTrue(((String) response.getData().orElseThrow().get("reason")).contains("cannot read the free space"));
    }

    @Test
    void theGaugesReportTheFreeSpaceAndTheThreshold() throws IOException {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new DiskSpaceCheck(tmp, 12345, registry).registerGauges();

        double gauge = registry.get(DiskSpaceCheck.FREE_GAUGE).gauge().value();
        long free = Files.getFileStore(tmp).getUsableSpace();
        assertTrue(Math.abs(gauge - free) < 64L * 1024 * 1024, gauge + " vs " + free);
        assertEquals(12345.0, registry.get(DiskSpaceCheck.THRESHOLD_GAUGE).gauge().value());
    }
}
