package org.aiod.backup.messaging;

import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.Config;

/**
 * The AMQP broker settings, read in one place and shared by the {@link CommandReceiver} and the
 * {@link EmbeddedBroker}: {@value #HOST} and {@value #PORT} (where the service's clients connect),
 * {@value #USERNAME} and {@value #PASSWORD} (their credentials on an external broker; with the embedded broker, an
 * account of that broker only), and {@code backup.broker.*} ({@link BrokerConfig}). The {@code amqp-*} names are the
 * SmallRye AMQP connector's own, which the {@code backup-events} channel reads itself.
 *
 * <p>The values are the configured ones, read once when the broker starts, before the embedded broker's own account
 * is served under the same names by {@link ServiceAccountConfigSource}. The credentials the service's clients log in
 * with are {@link #clientUsername()}/{@link #clientPassword()}: that account while the embedded broker runs, else the
 * configured pair.
 */
@Singleton
public class BrokerSettings {

    static final String HOST = "amqp-host";
    static final String PORT = "amqp-port";
    static final String USERNAME = "amqp-username";
    static final String PASSWORD = "amqp-password";

    private final Optional<String> host;
    private final Optional<Integer> port;
    private final Optional<String> username;
    private final Optional<String> password;
    private final BrokerConfig embedded;

    @Inject
    BrokerSettings(Config config, BrokerConfig embedded) {
        this(config.getOptionalValue(HOST, String.class), config.getOptionalValue(PORT, Integer.class),
                config.getOptionalValue(USERNAME, String.class), config.getOptionalValue(PASSWORD, String.class),
                embedded);
    }

    BrokerSettings(Optional<String> host, Optional<Integer> port, Optional<String> username,
            Optional<String> password, BrokerConfig embedded) {
        this.host = host;
        this.port = port;
        this.username = username;
        this.password = password;
        this.embedded = embedded;
    }

    /** {@value #HOST}: an external broker; when absent, the embedded broker runs (unless disabled). */
    public Optional<String> externalHost() {
        return host;
    }

    /** Where the service's clients connect: {@value #HOST}, else {@code localhost} (the embedded broker). */
    public String host() {
        return host.orElse("localhost");
    }

    /** {@value #PORT}, else the embedded broker's port. */
    public int port() {
        return port.orElse(embedded.port());
    }

    /** The configured {@value #USERNAME}, whatever account the service's clients use. */
    Optional<String> configuredUsername() {
        return username;
    }

    /** The configured {@value #PASSWORD}. */
    Optional<String> configuredPassword() {
        return password;
    }

    /** The service's own account while its embedded broker runs, else the configured {@value #USERNAME}. */
    Optional<String> clientUsername() {
        return ServiceAccountConfigSource.current(USERNAME).or(() -> username);
    }

    /** The service's own password while its embedded broker runs, else the configured {@value #PASSWORD}. */
    Optional<String> clientPassword() {
        return ServiceAccountConfigSource.current(PASSWORD).or(() -> password);
    }

    /** {@code backup.broker.*}: the embedded broker. */
    public BrokerConfig embedded() {
        return embedded;
    }
}
