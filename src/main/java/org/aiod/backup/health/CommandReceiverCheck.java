package org.aiod.backup.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.aiod.backup.messaging.CommandReceiver;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: the command queues are being received from the broker. (The events channel's connection is reported
 * by SmallRye Reactive Messaging's own check.)
 */
@Readiness
@ApplicationScoped
public class CommandReceiverCheck implements HealthCheck {

    static final String NAME = "amqp-commands";

    private final CommandReceiver receiver;

    CommandReceiverCheck(CommandReceiver receiver) {
        this.receiver = receiver;
    }

    @Override
    public HealthCheckResponse call() {
        boolean connected = receiver.isConnected();
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(NAME).status(connected);
        if (!connected) {
            builder.withData("reason", "not connected to the AMQP broker: backup-commands and restore-commands are "
                    + "not being received (reconnecting)");
        }
        return builder.build();
    }
}
