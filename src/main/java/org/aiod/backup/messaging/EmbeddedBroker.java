package org.aiod.backup.messaging;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;

import org.aiod.backup.config.BackupConfig;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.spi.core.remoting.Acceptor;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/**
 * The embedded AMQP broker (ActiveMQ Artemis) for running without an external one.
 *
 * <p>It starts when {@code amqp-host} is not configured and {@code backup.broker.embedded} is not {@code false}, in a
 * {@code StartupEvent} observer that runs before SmallRye Reactive Messaging's own (priority 1000), so the channels
 * connect at their first attempt. Settings ({@link BrokerConfig}):
 * <ul>
 * <li>{@code backup.broker.embedded} (default {@code true}): {@code false} never starts it (the connector then
 * retries {@code localhost:5672}, or {@code amqp-host}/{@code amqp-port}, until a broker answers);</li>
 * <li>{@code backup.broker.host} (default {@code localhost}) and {@code backup.broker.port} (default {@code 5672}):
 * the AMQP acceptor; the connector connects to {@code amqp-port}, which defaults to the same port. Use
 * {@code 0.0.0.0} to let other machines or containers send commands, and then set credentials;</li>
 * <li>{@code amqp-username} and {@code amqp-password}: when both are set the broker requires exactly these
 * credentials (SASL PLAIN; anonymous connections are refused) and the service's own channels log in with them;
 * otherwise the broker has no security at all;</li>
 * <li>{@code backup.broker.global-max-size} (default 67108864, 64 MiB): message bytes held in memory before the
 * broker pages to disk.</li>
 * </ul>
 * The broker is persistent: its journal lives under {@code <backup-root>/.aiod-backup/broker}, so commands queued
 * when the service stops are consumed when it starts again. Auto-created addresses and queues are ANYCAST (a
 * message sent before its consumer attached waits for it); messages that cannot be delivered go to {@code DLQ}
 * after {@value #MAX_DELIVERY_ATTEMPTS} attempts (rejected command messages go there at once), expired ones to
 * {@code ExpiryQueue}. The free-disk check is off: a backup volume is expected to be full and must not block the
 * command queues.
 *
 * <p>Artemis does not fail when its port is taken (it logs AMQ229230 and carries on without the acceptor); start-up
 * checks the acceptor and fails with a message naming the port instead of letting the connector talk to whatever
 * owns it.
 */
@ApplicationScoped
public class EmbeddedBroker {

    private static final Logger LOG = Logger.getLogger(EmbeddedBroker.class);

    static final String ACCEPTOR = "amqp";
    static final String DLQ = "DLQ";
    static final String EXPIRY_QUEUE = "ExpiryQueue";
    static final int MAX_DELIVERY_ATTEMPTS = 10;
    static final long DEFAULT_GLOBAL_MAX_SIZE = 64L * 1024 * 1024;

    /** What the broker is started with. */
    record Settings(String host, int port, Path dataDir, Optional<String> username, Optional<String> password,
            long globalMaxSize) {
        boolean secured() {
            return username.isPresent() && password.isPresent();
        }
    }

    private final BackupConfig backup;
    private final BrokerConfig settings;
    private volatile EmbeddedActiveMQ broker;

    EmbeddedBroker(BackupConfig backup, BrokerConfig settings) {
        this.backup = backup;
        this.settings = settings;
    }

    void onStart(@Observes @Priority(200) StartupEvent event) {
        Config config = ConfigProvider.getConfig();
        Optional<String> externalHost = config.getOptionalValue("amqp-host", String.class);
        if (externalHost.isPresent()) {
            LOG.infof("using the AMQP broker at %s:%s", externalHost.get(),
                    config.getOptionalValue("amqp-port", String.class).orElse("5672"));
            return;
        }
        if (!settings.embedded()) {
            LOG.info("no amqp-host configured and the embedded broker is disabled (backup.broker.embedded=false)");
            return;
        }
        broker = start(new Settings(settings.host(), settings.port(), backup.backupRoot().resolve(".aiod-backup").resolve("broker"),
                config.getOptionalValue("amqp-username", String.class),
                config.getOptionalValue("amqp-password", String.class), settings.globalMaxSize()));
    }

    /** Runs after the AMQP connector closed its connections (its observer has priority 50). */
    void onStop(@Observes @Priority(500) @BeforeDestroyed(ApplicationScoped.class) Object event) {
        stop(broker);
        broker = null;
    }

    /** Whether this service runs its own broker. */
    public boolean isEmbedded() {
        return broker != null;
    }

    /**
     * Starts a broker and checks that it listens.
     *
     * @throws IllegalStateException naming the host and port when it does not
     */
    static EmbeddedActiveMQ start(Settings settings) {
        EmbeddedActiveMQ server = new EmbeddedActiveMQ();
        server.setConfiguration(configuration(settings));
        if (settings.secured()) {
            server.setSecurityManager(new SingleUserSecurityManager(settings.username().get(),
                    settings.password().get()));
        }
        String where = settings.host() + ":" + settings.port();
        try {
            server.start();
        } catch (Exception e) {
            stop(server);
            throw new IllegalStateException("cannot start the embedded AMQP broker on " + where + ": " + e, e);
        }
        Acceptor acceptor = server.getActiveMQServer().getRemotingService().getAcceptor(ACCEPTOR);
        if (!server.getActiveMQServer().isActive() || acceptor == null || !acceptor.isStarted()) {
            stop(server);
            throw new IllegalStateException("cannot start the embedded AMQP broker: port " + settings.port()
                    + " on " + settings.host() + " is already in use (or cannot be bound). Free the port, set"
                    + " backup.broker.port (and amqp-port) to another one, or point amqp-host at an existing broker");
        }
        LOG.infof("embedded AMQP broker listening on %s (%s), journal in %s", where,
                settings.secured() ? "credentials required" : "no authentication", settings.dataDir());
        return server;
    }

    static void stop(EmbeddedActiveMQ server) {
        if (server == null) {
            return;
        }
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warnf(e, "error while stopping the embedded AMQP broker");
        }
    }

    static Configuration configuration(Settings settings) {
        Path dir = settings.dataDir().toAbsolutePath();
        Configuration c = new ConfigurationImpl()
                .setName("aiod-backup")
                .setPersistenceEnabled(true)
                .setJournalType(JournalType.NIO)
                .setJournalDirectory(dir.resolve("journal").toString())
                .setBindingsDirectory(dir.resolve("bindings").toString())
                .setPagingDirectory(dir.resolve("paging").toString())
                .setLargeMessagesDirectory(dir.resolve("large-messages").toString())
                .setNodeManagerLockDirectory(dir.toString())
                .setCreateJournalDir(true)
                .setCreateBindingsDir(true)
                .setSecurityEnabled(settings.secured())
                .setJMXManagementEnabled(false)
                .setGlobalMaxSize(settings.globalMaxSize())
                .setMaxDiskUsage(-1)
                .setCriticalAnalyzer(false);
        c.setBrokerInstance(dir.toFile());
        String url = "tcp://" + settings.host() + ":" + settings.port() + "?protocols=AMQP";
        try {
            c.addAcceptorConfiguration(ACCEPTOR, url);
        } catch (Exception e) {
            throw new IllegalArgumentException("invalid acceptor " + url + ": " + e.getMessage(), e);
        }
        c.addAddressSetting("#", new AddressSettings()
                .setDefaultAddressRoutingType(RoutingType.ANYCAST)
                .setDefaultQueueRoutingType(RoutingType.ANYCAST)
                .setAutoCreateAddresses(true)
                .setAutoCreateQueues(true)
                .setAutoDeleteAddresses(false)
                .setAutoDeleteQueues(false)
                .setDeadLetterAddress(SimpleString.of(DLQ))
                .setExpiryAddress(SimpleString.of(EXPIRY_QUEUE))
                .setMaxDeliveryAttempts(MAX_DELIVERY_ATTEMPTS)
                .setRedeliveryDelay(1000)
                .setRedeliveryMultiplier(2)
                .setMaxRedeliveryDelay(60_000));
        c.addQueueConfiguration(QueueConfiguration.of(DLQ).setRoutingType(RoutingType.ANYCAST));
        c.addQueueConfiguration(QueueConfiguration.of(EXPIRY_QUEUE).setRoutingType(RoutingType.ANYCAST));
        return c;
    }

    /** One user, every permission: what {@code amqp-username}/{@code amqp-password} configure. */
    static final class SingleUserSecurityManager implements ActiveMQSecurityManager {
        private final byte[] user;
        private final byte[] password;

        SingleUserSecurityManager(String user, String password) {
            this.user = user.getBytes(StandardCharsets.UTF_8);
            this.password = password.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public boolean validateUser(String user, String password) {
            // constant time in the content; both compared whatever the first gives
            boolean u = user != null && MessageDigest.isEqual(this.user, user.getBytes(StandardCharsets.UTF_8));
            boolean p = password != null
                    && MessageDigest.isEqual(this.password, password.getBytes(StandardCharsets.UTF_8));
            return u & p;
        }

        @Override
        public boolean validateUserAndRole(String user, String password, Set<Role> roles, CheckType checkType) {
            return validateUser(user, password);
        }
    }
}
