package org.aiod.backup.health;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.aiod.backup.messaging.CommandReceiver;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.health.api.Wellness;
import io.smallrye.reactive.messaging.health.HealthReport;
import io.smallrye.reactive.messaging.providers.extension.HealthCenter;

/**
 * Wellness ({@code /q/health/well}), and the gauge {@value #GAUGE}: whether the service is connected to the AMQP
 * broker, for both of its links: {@code commands} (the command receiver on {@code backup-commands},
 * {@code restore-commands}, {@code verify-commands} and {@code prune-commands}) and {@code events} (the {@code backup-events} channel).
 *
 * <p>Deliberately not liveness, readiness nor startup: while the broker is away, HTTP commands and scheduled
 * backups still run, both links reconnect by themselves, and events wait in the publisher's buffer. Restarting the
 * pod (liveness) would cut the running backups and fix nothing; taking it out of the Service (readiness) would stop
 * the HTTP API, which does not need the broker. SmallRye Reactive Messaging's own checks, which would put the broker
 * into those groups, are off ({@code quarkus.messaging.health.enabled=false}); its connector's report for the events
 * channel is read here instead.
 */
@Wellness
@ApplicationScoped
public class BrokerCheck implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(BrokerCheck.class);

    static final String NAME = "amqp-broker";
    static final String GAUGE = "backup.broker.connected";
    static final String COMMANDS = "commands";
    static final String EVENTS = "events";
    /** The outgoing channel of the completion events (org.aiod.backup.messaging.EventPublisher). */
    static final String EVENTS_CHANNEL = "backup-events";

    private final CommandReceiver receiver;
    private final HealthCenter messaging;
    private final MeterRegistry registry;

    BrokerCheck(CommandReceiver receiver, HealthCenter messaging, MeterRegistry registry) {
        this.receiver = receiver;
        this.messaging = messaging;
        this.registry = registry;
    }

    void registerGauges(@Observes @Priority(600) StartupEvent event) {
        Gauge.builder(GAUGE, this, c -> c.commandsConnected() ? 1 : 0).tag("link", COMMANDS)
                .description("1 while the service receives its command queues (backup-, restore-, verify-,"
                        + " prune-commands) from the AMQP broker, 0 while it is reconnecting")
                .strongReference(true).register(registry);
        Gauge.builder(GAUGE, this, c -> c.eventsConnected() ? 1 : 0).tag("link", EVENTS)
                .description("1 while the backup-events channel is connected to the AMQP broker, 0 while it is "
                        + "reconnecting (events wait in the meantime)")
                .strongReference(true).register(registry);
    }

    @Override
    public HealthCheckResponse call() {
        boolean commands = commandsConnected();
        boolean events = eventsConnected();
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(NAME).status(commands && events)
                .withData(COMMANDS, commands).withData(EVENTS, events);
        if (!commands || !events) {
            StringBuilder reason = new StringBuilder("not connected to the AMQP broker (reconnecting): ");
            if (!commands) {
                reason.append("the command queues (backup-, restore-, verify-, prune-commands) are not being received");
            }
            if (!events) {
                reason.append(commands ? "" : "; ").append("backup-events are held back until it is reachable");
            }
            reason.append(". HTTP commands and scheduled backups are not affected");
            builder.withData("reason", reason.toString());
        }
        return builder.build();
    }

    boolean commandsConnected() {
        return receiver.isConnected();
    }

    /**
     * Whether the events channel's sender link is open, as the SmallRye AMQP connector last saw it. Read from its
     * liveness, which reports that flag, never from its readiness: a readiness check of an outgoing channel opens a
     * sender when there is none and closes the one it replaces, so a probe during a reconnect could close the link
     * an event was just sent on, leaving that event neither accepted nor refused (seen losing a completion event).
     */
    boolean eventsConnected() {
        try {
            HealthReport report = messaging.getLiveness();
            return report.getChannels().stream()
                    .filter(c -> EVENTS_CHANNEL.equals(c.getChannel()))
                    .findFirst().map(HealthReport.ChannelInfo::isOk).orElse(false);
        } catch (RuntimeException e) {
            // the connector waits for an answer only so long (health-readiness-timeout): no answer, no connection
            LOG.debugf(e, "cannot read the events channel's state");
            return false;
        }
    }
}
