package org.aiod.backup.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Optional;

import org.aiod.backup.testing.DeploymentFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.smallrye.config.SmallRyeConfig;

/**
 * The broker settings read once for the receiver and the embedded broker, from application.properties and the
 * environment as a container has them: the configured values, and the account the service's clients log in with.
 */
class BrokerSettingsTest {

    @AfterEach
    void noServiceAccount() {
        ServiceAccountConfigSource.clear();
    }

    @Test
    void withoutAnExternalBrokerTheClientsConnectToTheEmbeddedOneOnItsPort() {
        BrokerSettings settings = settings(Map.of("BACKUP_BROKER_PORT", "5999"));

        assertEquals(Optional.empty(), settings.externalHost());
        assertEquals("localhost", settings.host());
        assertEquals(5999, settings.port());
        assertEquals(5999, settings.embedded().port());
        assertEquals(Optional.empty(), settings.clientUsername());
    }

    @Test
    void anExternalBrokerIsReachedWithTheConfiguredAccount() {
        BrokerSettings settings = settings(Map.of("AMQP_HOST", "artemis", "AMQP_PORT", "5671",
                "AMQP_USERNAME", "aiod-backup", "AMQP_PASSWORD", "s3cret"));

        assertEquals(Optional.of("artemis"), settings.externalHost());
        assertEquals("artemis", settings.host());
        assertEquals(5671, settings.port());
        assertEquals(Optional.of("aiod-backup"), settings.clientUsername());
        assertEquals(Optional.of("s3cret"), settings.clientPassword());
    }

    @Test
    void whileTheEmbeddedBrokerRunsTheClientsUseTheServiceAccountAndTheConfiguredPairStaysABrokerAccount() {
        BrokerSettings settings = settings(Map.of("AMQP_USERNAME", "ops", "AMQP_PASSWORD", "ops-pw"));

        ServiceAccountConfigSource.use(BrokerAccounts.SERVICE_USER, "generated");

        assertEquals(Optional.of(BrokerAccounts.SERVICE_USER), settings.clientUsername());
        assertEquals(Optional.of("generated"), settings.clientPassword());
        assertEquals(Optional.of("ops"), settings.configuredUsername());
        assertEquals(Optional.of("ops-pw"), settings.configuredPassword());

        ServiceAccountConfigSource.clear();

        assertEquals(Optional.of("ops"), settings.clientUsername());
        assertEquals(Optional.of("ops-pw"), settings.clientPassword());
    }

    private static BrokerSettings settings(Map<String, String> env) {
        SmallRyeConfig config = DeploymentFiles.config(env, BrokerConfig.class);
        return new BrokerSettings(config, config.getConfigMapping(BrokerConfig.class));
    }
}
