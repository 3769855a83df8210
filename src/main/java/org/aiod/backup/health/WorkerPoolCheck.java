package org.aiod.backup.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.aiod.backup.job.JobService;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness: the worker pool still accepts work, and no worker died of an {@link Error} (an
 * {@code OutOfMemoryError}, a {@code StackOverflowError}): after one the process may be damaged, so it asks to be
 * restarted (the job it ran ended {@code FAILED}). The broker is deliberately not part of liveness: a restart would
 * cut running backups and not bring the broker back (see {@code BrokerCheck}, in the wellness group).
 */
@Liveness
@ApplicationScoped
public class WorkerPoolCheck implements HealthCheck {

    static final String NAME = "worker-pool";

    private final JobService jobs;

    WorkerPoolCheck(JobService jobs) {
        this.jobs = jobs;
    }

    @Override
    public HealthCheckResponse call() {
        boolean alive = jobs.isAlive();
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(NAME).status(alive)
                .withData("queued", jobs.queueDepth())
                .withData("started", jobs.isStarted());
        String death = jobs.workerDeath();
        if (death != null) {
            builder.withData("reason", death);
        } else if (!alive) {
            builder.withData("reason", "the worker pool is shut down: no backup or restore can run");
        }
        return builder.build();
    }
}
