package org.aiod.backup.messaging;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * While the embedded broker runs, {@code amqp-username} and {@code amqp-password} are the service's own account on it
 * (generated at start-up, in memory only): the SmallRye AMQP connector of the {@code backup-events} channel reads the
 * broker credentials from these two properties, and the {@link CommandReceiver} gets them from {@link BrokerSettings},
 * so both log in with it. Above every
 * other source (ordinal {@value #ORDINAL}); empty while no embedded broker runs, so that an external broker is
 * reached with the configured credentials as before. Registered through {@code META-INF/services}.
 */
public class ServiceAccountConfigSource implements ConfigSource {

    static final int ORDINAL = 500;
    static final String USERNAME = BrokerSettings.USERNAME;
    static final String PASSWORD = BrokerSettings.PASSWORD;

    /** The account in use, or {@code null}. A static field since config sources live outside CDI. */
    private static volatile Map<String, String> account;

    static void use(String user, String password) {
        account = Map.of(USERNAME, user, PASSWORD, password);
    }

    static void clear() {
        account = null;
    }

    /** The value this source serves under {@code name} now, if any. */
    static Optional<String> current(String name) {
        Map<String, String> current = account;
        return current == null ? Optional.empty() : Optional.ofNullable(current.get(name));
    }

    @Override
    public Set<String> getPropertyNames() {
        Map<String, String> current = account;
        return current == null ? Set.of() : current.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        Map<String, String> current = account;
        return current == null ? null : current.get(propertyName);
    }

    @Override
    public String getName() {
        return "aiod-backup embedded broker service account";
    }

    @Override
    public int getOrdinal() {
        return ORDINAL;
    }
}
