package org.aiod.backup.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/** Startup: the start-up self-test passed (or is disabled); down while it runs, and for good when it failed. */
@org.eclipse.microprofile.health.Startup
@ApplicationScoped
public class SelfTestCheck implements HealthCheck {

    static final String NAME = "self-test";

    private final SelfTestRunner runner;

    SelfTestCheck(SelfTestRunner runner) {
        this.runner = runner;
    }

    @Override
    public HealthCheckResponse call() {
        return response(runner.state());
    }

    static HealthCheckResponse response(SelfTestRunner.State state) {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(NAME).status(state.up())
                .withData("status", state.status().name());
        if (state.reason() != null) {
            builder.withData("reason", state.reason());
        }
        if (state.startedAt() != null) {
            builder.withData("startedAt", state.startedAt().toString());
        }
        if (state.finishedAt() != null) {
            builder.withData("finishedAt", state.finishedAt().toString());
        }
        if (state.durationMillis() != null) {
            builder.withData("durationMillis", state.durationMillis());
        }
        return builder.build();
    }
}
