package org.aiod.backup.health;

import java.io.IOException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.health.api.Wellness;

import org.aiod.backup.offsite.OffsiteDeletion;
import org.aiod.backup.offsite.OffsiteLevel;
import org.aiod.backup.offsite.OffsiteService;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * Wellness ({@code /q/health/well}): {@code backup-offsite}, the off-site store answers and its bucket exists
 * ({@code HEAD} of the bucket, at each call); its data says how many levels wait for their upload and how many pruned
 * cycles wait for their deletion from the store ({@code pendingDeletions}); down also when the store answers but the
 * deletion of a pruned cycle failed (with its reason). Up, saying
 * {@code enabled: false}, when off-site copies are off.
 *
 * <p>Wellness, not readiness: with the store unreachable, backups and restores from the local disk go on, and the
 * levels are uploaded once it is back; taking the service out of the Service would help nobody.
 */
@Wellness
@ApplicationScoped
public class OffsiteStoreCheck implements HealthCheck {

    static final String NAME = "backup-offsite";

    private final OffsiteService offsite;

    @Inject
    OffsiteStoreCheck(OffsiteService offsite) {
        this.offsite = offsite;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(NAME).withData("enabled", offsite.enabled());
        if (!offsite.enabled()) {
            return builder.up().build();
        }
        java.util.List<OffsiteDeletion> deletions = offsite.deletions();
        builder.withData("bucket", offsite.bucket().orElse(""))
                .withData("pendingLevels", offsite.levels().stream().filter(OffsiteLevel::waiting).count())
                .withData("pendingDeletions", deletions.size());
        try {
            offsite.checkStore();
            java.util.Optional<OffsiteDeletion> failing = deletions.stream().filter(OffsiteDeletion::failing)
                    .findFirst();
            if (failing.isPresent()) {
                // the store answers but refused a deletion (a key without the right to delete, say): pruned
                // cycles stay in the bucket until it is fixed
                OffsiteDeletion d = failing.get();
                return builder.down().withData("reason", "the deletion of " + d.dataset() + " cycle " + d.cycle()
                        + " from the off-site store failed " + d.attempts() + " time(s): " + d.reason()
                        + "; tried again at " + d.nextAttempt()).build();
            }
            return builder.up().build();
        } catch (IOException | RuntimeException e) {
            return builder.down().withData("reason", "the off-site store cannot be used: " + e.getMessage()
                    + "; levels wait and are uploaded once it answers").build();
        }
    }
}
