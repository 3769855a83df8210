package org.aiod.backup.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;

import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * One embedded Artemis broker (AMQP only, in memory, no security) shared by every {@code @QuarkusTest} of the
 * project: it is registered globally by {@link SharedBroker}. Tests reach it through the static methods: {@link #port()},
 * {@link #stopBroker()} / {@link #startBroker()} (restart on the same port, messages in the broker are lost since it is
 * not persistent), {@link #messageCount(String)} (e.g. of {@code DLQ}).
 *
 * <p>Address settings as the service's own embedded broker: auto-created addresses and queues are ANYCAST (a message
 * sent before a consumer attaches waits in the queue), undeliverable messages go to {@code DLQ} after
 * {@link #MAX_DELIVERY_ATTEMPTS} attempts, expired ones to {@code ExpiryQueue}.
 */
public class ArtemisTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String DLQ = "DLQ";
    public static final String EXPIRY_QUEUE = "ExpiryQueue";
    public static final int MAX_DELIVERY_ATTEMPTS = 3;

    private static volatile EmbeddedActiveMQ server;
    private static volatile int port;

    @Override
    public synchronized Map<String, String> start() {
        if (port == 0) {
            port = freePort();
        }
        startBroker();
        return Map.of("amqp-host", "localhost", "amqp-port", Integer.toString(port));
    }

    @Override
    public synchronized void stop() {
        stopBroker();
    }

    /** The AMQP port of the broker (stable across {@link #stopBroker()} / {@link #startBroker()}). */
    public static int port() {
        return port;
    }

    /** The running server, or {@code null} while stopped. */
    public static EmbeddedActiveMQ server() {
        return server;
    }

    /** Starts the broker on {@link #port()}; does nothing if it is running. */
    public static synchronized void startBroker() {
        if (server != null) {
            return;
        }
        try {
            EmbeddedActiveMQ s = new EmbeddedActiveMQ().setConfiguration(configuration(port));
            s.start();
            if (!s.getActiveMQServer().isActive()) {
                s.stop();
                throw new IllegalStateException("test broker did not become active on port " + port);
            }
            server = s;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the test broker on port " + port, e);
        }
    }

    /** Stops the broker (clients see their connection drop); does nothing if it is stopped. */
    public static synchronized void stopBroker() {
        EmbeddedActiveMQ s = server;
        server = null;
        if (s != null) {
            try {
                s.stop();
            } catch (Exception e) {
                throw new IllegalStateException("cannot stop the test broker", e);
            }
        }
    }

    /**
     * Closes every client connection from the broker side, as a network cut or a broker failover would: deliveries
     * not yet settled go back to their queue and are redelivered to the next consumer. Returns how many were closed.
     */
    public static int dropConnections() {
        EmbeddedActiveMQ s = server;
        if (s == null) {
            return 0;
        }
        int n = 0;
        for (RemotingConnection c : s.getActiveMQServer().getRemotingService().getConnections()) {
            c.fail(new ActiveMQException("connection dropped by the test"));
            n++;
        }
        return n;
    }

    /** Messages currently in the queue {@code name} (0 if the queue does not exist or the broker is stopped). */
    public static long messageCount(String name) {
        EmbeddedActiveMQ s = server;
        if (s == null) {
            return 0;
        }
        Queue q = s.getActiveMQServer().locateQueue(SimpleString.of(name));
        return q == null ? 0 : q.getMessageCount();
    }

    /** Messages of the queue {@code name} delivered to a consumer and not settled yet (0 if none or stopped). */
    public static long deliveringCount(String name) {
        EmbeddedActiveMQ s = server;
        if (s == null) {
            return 0;
        }
        Queue q = s.getActiveMQServer().locateQueue(SimpleString.of(name));
        return q == null ? 0 : q.getDeliveringCount();
    }

    private static Configuration configuration(int port) throws Exception {
        Path dir = Path.of("target", "artemis-test").toAbsolutePath();
        Configuration c = new ConfigurationImpl()
                .setName("aiod-backup-test")
                .setPersistenceEnabled(false)
                .setSecurityEnabled(false)
                .setJMXManagementEnabled(false)
                .setGlobalMaxSize(64L * 1024 * 1024)
                .setJournalDirectory(dir.resolve("journal").toString())
                .setBindingsDirectory(dir.resolve("bindings").toString())
                .setPagingDirectory(dir.resolve("paging").toString())
                .setLargeMessagesDirectory(dir.resolve("large-messages").toString());
        c.setBrokerInstance(dir.toFile());
        c.addAcceptorConfiguration("amqp", "tcp://localhost:" + port + "?protocols=AMQP");
        c.addAddressSetting("#", new AddressSettings()
                .setDefaultAddressRoutingType(RoutingType.ANYCAST)
                .setDefaultQueueRoutingType(RoutingType.ANYCAST)
                .setAutoCreateAddresses(true)
                .setAutoCreateQueues(true)
                .setDeadLetterAddress(SimpleString.of(DLQ))
                .setExpiryAddress(SimpleString.of(EXPIRY_QUEUE))
                .setMaxDeliveryAttempts(MAX_DELIVERY_ATTEMPTS)
                .setRedeliveryDelay(0));
        // as the service's own broker: the command queues and backup-events exist from the start, so a restarted
        // (empty) broker never creates a queue at the moment the service sends to it and a reader attaches (a race
        // that lost an event produced during an outage)
        for (String queue : new String[] {"backup-commands", "restore-commands", "verify-commands", "prune-commands",
                "backup-events", DLQ, EXPIRY_QUEUE}) {
            c.addQueueConfiguration(QueueConfiguration.of(queue).setRoutingType(RoutingType.ANYCAST));
        }
        // as the service's own broker: progress is a topic, whatever attaches to it first
        c.addAddressConfiguration(new org.apache.activemq.artemis.core.config.CoreAddressConfiguration()
                .setName("backup-progress").addRoutingType(org.apache.activemq.artemis.api.core.RoutingType.MULTICAST));
        return c;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }
}
