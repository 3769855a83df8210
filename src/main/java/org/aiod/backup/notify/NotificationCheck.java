package org.aiod.backup.notify;

import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.health.api.Wellness;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * Wellness ({@code /q/health/well}), check {@value #NAME}: down while a target's last notification was given up
 * after every attempt, until one to that target is delivered; its data names each such target with when, the job
 * and the reason (never the URL, whose path is often a secret). Wellness, not readiness: a chat server that is away
 * is for an operator to look at, the service still backs up and restores.
 */
@Wellness
@ApplicationScoped
public class NotificationCheck implements HealthCheck {

    static final String NAME = "backup-notifications";

    private final Notifier notifier;

    NotificationCheck(Notifier notifier) {
        this.notifier = notifier;
    }

    @Override
    public HealthCheckResponse call() {
        Map<String, Deliveries.Failure> failing = new TreeMap<>(notifier.deliveries().failing());
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(NAME)
                .withData("pending", notifier.deliveries().pending());
        if (failing.isEmpty()) {
            return builder.up().build();
        }
        failing.forEach((target, failure) -> builder.withData(target, failure.at() + " job " + failure.job()
                + ": " + failure.reason()));
        return builder.down().withData("reason", "notifications not delivered to " + String.join(", ",
                failing.keySet()) + " (see backup_notifications_total{outcome=\"failed\"} and the log)").build();
    }
}
