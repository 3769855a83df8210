package org.aiod.backup.messaging;

import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * While the embedded broker runs, {@code amqp-username} and {@code amqp-password} are the service's own account on it
 * (generated at start-up, in memory only): the SmallRye AMQP connector of the {@code backup-events} channel and the
 * {@link CommandReceiver} read the broker credentials from these two properties, so both log in with it. Above every
 * other source (ordinal {@value #ORDINAL}); empty while no embedded broker runs, so that an external broker is
 * reached with the configured credentials as before. Registered through {@code META-INF/services}.
 */
public class ServiceAccountConfigSource implements ConfigSource {

    static final int ORDINAL = 500;
    static final String USERNAME = "amqp-username";
    static final String PASSWORD = "amqp-password";

    /** The account in use, or {@code null}. A static field since config sources live outside CDI. */
    private static volatile Map<String, String> account;

    static void use(String user, String password) {
        account = Map.of(USERNAME, user, PASSWORD, password);
    }

    static void clear() {
        account = null;
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
