package org.aiod.backup.messaging;

import static io.restassured.RestAssured.get;
import static org.aiod.backup.messaging.MessagingFixtures.BACKUP_COMMANDS;
import static org.aiod.backup.messaging.MessagingFixtures.BACKUP_EVENTS;
import static org.aiod.backup.messaging.MessagingFixtures.RESTORE_COMMANDS;
import static org.aiod.backup.messaging.MessagingFixtures.backup;
import static org.aiod.backup.messaging.MessagingFixtures.byCorrelation;
import static org.aiod.backup.messaging.MessagingFixtures.createDataset;
import static org.aiod.backup.messaging.MessagingFixtures.restore;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.aiod.backup.config.BackupConfig;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The service with its own embedded broker, security on (every other {@code @QuarkusTest} uses the shared test
 * broker): the service's receiver and events channel log in with their generated account, and the HTTP users log in
 * to the broker with their HTTP passwords: an operator's backup command and an admin's restore command run, and a
 * viewer reads their events; the viewer may not send a restore.
 */
@QuarkusTest
@TestProfile(OwnBrokerSecurityTest.OwnBroker.class)
class OwnBrokerSecurityTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int PORT = EmbeddedBrokerTest.freePort();

    /** The embedded broker on a free port, and not the shared test broker. */
    public static class OwnBroker implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("backup.broker.embedded", "true", "backup.broker.port", Integer.toString(PORT));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    @Inject
    BackupConfig config;

    @Test
    void httpUsersUseTheBrokerWithTheirRolesAndTheServiceAnswersThem() throws Exception {
        String ds = MessagingFixtures.uniquePrefix("ownbroker");
        createDataset(config.dataRoot(), ds);
        // both of the service's links are up: it logged in with its own account
        await().atMost(WAIT).until(() -> get("/q/health/well").statusCode() == 200);
        try (AmqpTestClient viewer = new AmqpTestClient(PORT, "viewer", "viewer").connect();
                AmqpTestClient operator = new AmqpTestClient(PORT, "operator", "operator").connect();
                AmqpTestClient admin = new AmqpTestClient(PORT, "admin", "admin").connect();
                AmqpTestClient.Collector events = viewer.collect(BACKUP_EVENTS, e -> ds.equals(e.getString("dataset")))) {
            String backup = operator.sendJson(BACKUP_COMMANDS, backup(ds, null));
            await().atMost(WAIT).until(() -> byCorrelation(events, backup).size() == 1);
            assertEquals("SUCCEEDED", byCorrelation(events, backup).get(0).getString("status"));

            assertThrows(IllegalStateException.class, () -> viewer.sendJson(RESTORE_COMMANDS, restore(ds, 0, 0, null)));
            assertThrows(IllegalStateException.class, () -> operator.sendJson(RESTORE_COMMANDS,
                    restore(ds, 0, 0, null)));

            Files.writeString(config.dataRoot().resolve(ds).resolve("after-backup.txt"), "gone after the restore");
            String restore = admin.sendJson(RESTORE_COMMANDS, restore(ds, 0, 0, null));
            await().atMost(WAIT).until(() -> byCorrelation(events, restore).size() == 1);
            assertEquals("SUCCEEDED", byCorrelation(events, restore).get(0).getString("status"));
            assertTrue(Files.notExists(config.dataRoot().resolve(ds).resolve("after-backup.txt")));
            assertEquals(2, events.received.size(), "only the two commands that were allowed ran: " + events.received);
        }
    }
}
