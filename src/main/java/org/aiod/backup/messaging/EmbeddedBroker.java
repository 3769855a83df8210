package org.aiod.backup.messaging;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;

import org.aiod.backup.api.Roles;
import org.aiod.backup.config.BackupConfig;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.spi.core.remoting.Acceptor;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import io.quarkus.elytron.security.properties.runtime.MPRealmRuntimeConfig;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.config.SmallRyeConfig;

/**
 * The embedded AMQP broker (ActiveMQ Artemis) for running without an external one.
 *
 * <p>It starts when {@code amqp-host} is not configured and {@code backup.broker.embedded} is not {@code false}, in a
 * {@code StartupEvent} observer that runs before SmallRye Reactive Messaging's own (priority 1000), so the channels
 * connect at their first attempt. Settings ({@link BrokerSettings}; {@code backup.broker.*} is {@link BrokerConfig}):
 * <ul>
 * <li>{@code backup.broker.embedded} (default {@code true}): {@code false} never starts it (the connector then
 * retries {@code localhost:5672}, or {@code amqp-host}/{@code amqp-port}, until a broker answers);</li>
 * <li>{@code backup.broker.host} (default {@code localhost}) and {@code backup.broker.port} (default {@code 5672}):
 * the AMQP acceptor; the connector connects to {@code amqp-port}, which defaults to the same port. Use
 * {@code 0.0.0.0} to let other machines or containers send commands;</li>
 * <li>{@code backup.broker.global-max-size} (default 67108864, 64 MiB): message bytes held in memory before the
 * broker pages to disk.</li>
 * </ul>
 *
 * <p>Security is always on: no anonymous client, and per-address permissions by role ({@link BrokerAccounts} has the
 * table). The accounts are the HTTP API's embedded users ({@code quarkus.security.users.embedded.*}, same password,
 * same roles), plus, when both are set, {@code amqp-username}/{@code amqp-password} as a broker-only account with the
 * role {@value Roles#ADMIN}. The service's own receiver and events channel log in with an account generated at each
 * start ({@value BrokerAccounts#SERVICE_USER}, random password held in memory only, served to them as
 * {@code amqp-username}/{@code amqp-password} by {@link ServiceAccountConfigSource}). A run in the normal launch mode
 * ({@code java -jar}, the container; whatever the profile) refuses to start when the broker would have no account but
 * the service's, as {@code CredentialsGuard} does for HTTP; the dev profile's users are accounts like any other.
 *
 * <p>The broker is persistent: its journal lives under {@code <state-dir>/broker} ({@code backup.state-dir}), so
 * commands queued when the service stops are consumed when it starts again. The addresses {@code backup-commands},
 * {@code restore-commands}, {@code verify-commands}, {@code prune-commands} and {@code backup-events} are ANYCAST queues created by the configuration (a message sent
 * before its consumer attached waits for it); no other address is created, not even on demand. Messages that cannot
 * be delivered go to {@code DLQ} after {@value #MAX_DELIVERY_ATTEMPTS} attempts (rejected command messages go there at
 * once), expired ones to {@code ExpiryQueue}. The free-disk check is off: a backup volume is expected to be full and
 * must not block the command queues.
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

    static final String REALM_NAME = "Quarkus";

    /** What the broker is started with. */
    record Settings(String host, int port, Path dataDir, BrokerAccounts accounts, long globalMaxSize) {
    }

    private final BackupConfig backup;
    private final BrokerSettings amqp;
    /**
     * The running broker, at most one a process. Static so that stopping it needs no instance of this bean: an
     * instance needs the configuration, and when that failed (a setting of the wrong type) an instance observer made
     * at shutdown only added a stack trace to the one message that matters.
     */
    private static volatile EmbeddedActiveMQ broker;

    EmbeddedBroker(BackupConfig backup, BrokerSettings amqp) {
        this.backup = backup;
        this.amqp = amqp;
    }

    void onStart(@Observes @Priority(200) StartupEvent event) {
        Optional<String> externalHost = amqp.externalHost();
        if (externalHost.isPresent()) {
            LOG.infof("using the AMQP broker at %s:%s", externalHost.get(), amqp.port());
            return;
        }
        BrokerConfig settings = amqp.embedded();
        if (!settings.embedded()) {
            LOG.info("no amqp-host configured and the embedded broker is disabled (backup.broker.embedded=false)");
            return;
        }
        BrokerAccounts accounts = accounts(ConfigProvider.getConfig(), amqp);
        Optional<String> refusal = refusal(LaunchMode.current(), accounts, settings.host() + ":" + settings.port());
        if (refusal.isPresent()) {
            throw new ConfigurationException(refusal.get());
        }
        String servicePassword = BrokerAccounts.randomPassword();
        accounts = accounts.with(BrokerAccounts.SERVICE_USER, servicePassword, Set.of(BrokerAccounts.SERVICE_ROLE));
        broker = start(new Settings(settings.host(), settings.port(),
                backup.brokerDir(), accounts, settings.globalMaxSize()));
        ServiceAccountConfigSource.use(BrokerAccounts.SERVICE_USER, servicePassword);
    }

    /** The HTTP API's embedded users (when that realm is on), and the {@code amqp-username} pair. */
    static BrokerAccounts accounts(Config config, BrokerSettings amqp) {
        BrokerAccounts accounts = BrokerAccounts.none();
        if (config.getOptionalValue("quarkus.security.users.embedded.enabled", Boolean.class).orElse(false)) {
            MPRealmRuntimeConfig realm = config.unwrap(SmallRyeConfig.class)
                    .getConfigMapping(MPRealmRuntimeConfig.class);
            accounts = BrokerAccounts.fromRealm(realm.users(), realm.roles(), realm.plainText(),
                    realm.algorithm().name(), config.getOptionalValue("quarkus.security.users.embedded.realm-name",
                            String.class).orElse(REALM_NAME));
        }
        Optional<String> user = amqp.configuredUsername();
        Optional<String> password = amqp.configuredPassword();
        if (user.isPresent() && password.isPresent()) {
            accounts = accounts.with(user.get(), password.get(), Set.of(Roles.ADMIN));
        }
        return accounts;
    }

    /** Why a run in {@code mode} must not start a broker with {@code accounts} on {@code where}, or empty. */
    static Optional<String> refusal(LaunchMode mode, BrokerAccounts accounts, String where) {
        if (mode != LaunchMode.NORMAL || !accounts.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("Refusing to start: nobody could use the embedded AMQP broker on " + where
                + ": it accepts no anonymous client and no account is configured. Its accounts are the HTTP API's "
                + "embedded users (QUARKUS_SECURITY_USERS_EMBEDDED_USERS_<USER>=<hex sha512 of "
                + "'<user>:Quarkus:<password>'>, QUARKUS_SECURITY_USERS_EMBEDDED_ROLES_<USER>=backup-admin; the same "
                + "user and password log in with SASL PLAIN), or AMQP_USERNAME and AMQP_PASSWORD (an account of the "
                + "broker only, role backup-admin). Or use an external broker (AMQP_HOST), or do without one "
                + "(BACKUP_BROKER_EMBEDDED=false). See the javadoc of " + EmbeddedBroker.class.getName() + ".");
    }

    /** Runs after the AMQP connector closed its connections (its observer has priority 50). */
    static void onStop(@Observes @Priority(500) @BeforeDestroyed(ApplicationScoped.class) Object event) {
        stop(broker);
        broker = null;
        ServiceAccountConfigSource.clear();
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
        server.setSecurityManager(settings.accounts().securityManager());
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
        LOG.infof("embedded AMQP broker listening on %s, journal in %s; accounts (SASL PLAIN): %s", where,
                settings.dataDir(), settings.accounts().describe());
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
                .setSecurityEnabled(true)
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
        // nothing is created on demand: a client cannot make the broker keep messages under a name of its choosing
        c.addAddressSetting("#", new AddressSettings()
                .setDefaultAddressRoutingType(RoutingType.ANYCAST)
                .setDefaultQueueRoutingType(RoutingType.ANYCAST)
                .setAutoCreateAddresses(false)
                .setAutoCreateQueues(false)
                .setAutoDeleteAddresses(false)
                .setAutoDeleteQueues(false)
                .setDeadLetterAddress(SimpleString.of(DLQ))
                .setExpiryAddress(SimpleString.of(EXPIRY_QUEUE))
                .setMaxDeliveryAttempts(MAX_DELIVERY_ATTEMPTS)
                .setRedeliveryDelay(1000)
                .setRedeliveryMultiplier(2)
                .setMaxRedeliveryDelay(60_000));
        for (String queue : new String[] {BrokerAccounts.BACKUP_COMMANDS, BrokerAccounts.RESTORE_COMMANDS,
                BrokerAccounts.VERIFY_COMMANDS, BrokerAccounts.PRUNE_COMMANDS, BrokerAccounts.BACKUP_EVENTS, DLQ, EXPIRY_QUEUE}) {
            c.addQueueConfiguration(QueueConfiguration.of(queue).setRoutingType(RoutingType.ANYCAST).setDurable(true));
        }
        // progress is for whoever watches now: each watcher's subscription gets every report, nobody's is kept
        c.addAddressConfiguration(new org.apache.activemq.artemis.core.config.CoreAddressConfiguration()
                .setName(BrokerAccounts.BACKUP_PROGRESS).addRoutingType(RoutingType.MULTICAST));
        for (Map.Entry<String, Set<Role>> entry : BrokerAccounts.securityRoles().entrySet()) {
            c.putSecurityRoles(entry.getKey(), entry.getValue());
        }
        return c;
    }
}
