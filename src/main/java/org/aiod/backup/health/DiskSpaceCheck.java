package org.aiod.backup.health;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.health.api.Wellness;

import org.aiod.backup.config.BackupConfig;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * Wellness ({@code /q/health/well}): the backup root's file system has at least {@code backup.disk.warn-free} free;
 * and the gauges {@value #FREE_GAUGE} ({@code backup_root_free_bytes}, always) and {@value #THRESHOLD_GAUGE}
 * ({@code backup_root_warn_free_bytes}, the setting; 0 when off), so an alert can compare the two.
 *
 * <p>Wellness, not readiness: a volume filling up is for an operator to act on; the service still serves, restores
 * and writes every level that fits (a level that does not is refused with {@code INSUFFICIENT_SPACE} before it
 * writes anything), so taking it out of the Service or restarting it would help nobody. "Free" is the space usable by
 * the service's user ({@link java.nio.file.FileStore#getUsableSpace()}, what the disk guard compares with).
 */
@Wellness
@ApplicationScoped
public class DiskSpaceCheck implements HealthCheck {

    static final String NAME = "backup-disk";
    static final String FREE_GAUGE = "backup.root.free";
    static final String THRESHOLD_GAUGE = "backup.root.warn.free";

    private final Path backupRoot;
    private final long warnFree;
    private final MeterRegistry registry;

    @Inject
    DiskSpaceCheck(BackupConfig config, MeterRegistry registry) {
        this(config.backupRoot(), config.disk().warnFree().asLongValue(), registry);
    }

    DiskSpaceCheck(Path backupRoot, long warnFree, MeterRegistry registry) {
        this.backupRoot = backupRoot.toAbsolutePath().normalize();
        this.warnFree = warnFree;
        this.registry = registry;
    }

    void registerGauges(@Observes @Priority(600) StartupEvent event) {
        registerGauges();
    }

    void registerGauges() {
        // NaN while the backup root cannot be read (not mounted): the readiness check backup-root says why
        Gauge.builder(FREE_GAUGE, this, c -> {
            long free = c.freeBytes();
            return free < 0 ? Double.NaN : free;
        }).baseUnit("bytes").description("Free space usable on the backup root's file system")
                .strongReference(true).register(registry);
        Gauge.builder(THRESHOLD_GAUGE, this, c -> c.warnFree).baseUnit("bytes")
                .description("backup.disk.warn-free: below this free space the wellness check backup-disk is down;"
                        + " 0 when the warning is off")
                .strongReference(true).register(registry);
    }

    @Override
    public HealthCheckResponse call() {
        long free = freeBytes();
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(NAME).withData("path", backupRoot.toString())
                .withData("warnFreeBytes", warnFree);
        if (free < 0) {
            return builder.down().withData("reason", "cannot read the free space of backup root " + backupRoot
                    + " (see the readiness check backup-root)").build();
        }
        builder.withData("freeBytes", free);
        if (warnFree > 0 && free < warnFree) {
            return builder.down().withData("reason", "backup root " + backupRoot + " has " + free + " bytes free,"
                    + " below backup.disk.warn-free (" + warnFree + " bytes); backups that do not fit are refused"
                    + " with INSUFFICIENT_SPACE").build();
        }
        return builder.up().build();
    }

    /** Free bytes usable on the backup root's file system; -1 when it cannot be read. */
    long freeBytes() {
        try {
            return Files.getFileStore(backupRoot).getUsableSpace();
        } catch (IOException | SecurityException e) {
            return -1;
        }
    }
}
