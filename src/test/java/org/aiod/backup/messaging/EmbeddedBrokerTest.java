package org.aiod.backup.messaging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import io.quarkus.runtime.LaunchMode;
import io.vertx.core.json.JsonObject;

/**
 * The embedded broker without Quarkus: it listens, persists, refuses a taken port; and it is no open door: no
 * anonymous or wrong login, each role sends and consumes only where the table of {@link BrokerAccounts} says, no
 * address outside the three is usable or created. Accounts are built as the service builds them from the HTTP realm:
 * a hashed {@code viewer} (hex SHA-512 of {@code viewer:Quarkus:password}, the production form) and plain-text
 * {@code operator} and {@code admin}, plus the service's own account.
 */
class EmbeddedBrokerTest {

    private static final String SERVICE_PASSWORD = "service-secret";

    @TempDir
    Path dir;

    @Test
    void startsOnAFreePortAndCarriesMessages() {
        int port = freePort();
        EmbeddedActiveMQ broker = EmbeddedBroker.start(settings(port, dir.resolve("a")));
        try (AmqpTestClient admin = new AmqpTestClient(port, "admin", "admin-pw").connect();
                AmqpTestClient service = service(port)) {
            // ANYCAST queue: the message waits although nobody listens yet
            admin.sendJson("backup-commands", new JsonObject().put("n", 1));
            AmqpTestClient.Collector c = service.collect("backup-commands", j -> true);
            await().atMost(Duration.ofSeconds(10)).until(() -> c.received.size() == 1);
            assertEquals(1, c.received.get(0).getInteger("n"));
        } finally {
            EmbeddedBroker.stop(broker);
        }
    }

    @Test
    void refusesAPortThatIsTaken() {
        int port = freePort();
        EmbeddedActiveMQ first = EmbeddedBroker.start(settings(port, dir.resolve("a")));
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> EmbeddedBroker.start(settings(port, dir.resolve("b"))));
            assertTrue(e.getMessage().contains("port " + port) && e.getMessage().contains("already in use"), e.getMessage());
            // the first one is unharmed
            try (AmqpTestClient client = new AmqpTestClient(port, "admin", "admin-pw").connect()) {
                client.sendText("restore-commands", "still here");
            }
            assertMessageCount(1, first, "restore-commands");
        } finally {
            EmbeddedBroker.stop(first);
        }
    }

    @Test
    void queuedMessagesSurviveARestart() {
        int port = freePort();
        Path data = dir.resolve("persistent");
        EmbeddedActiveMQ broker = EmbeddedBroker.start(settings(port, data));
        try (AmqpTestClient client = new AmqpTestClient(port, "operator", "operator-pw").connect()) {
            client.sendJson("backup-commands", new JsonObject().put("dataset", "kept"));
        } finally {
            EmbeddedBroker.stop(broker);
        }
        assertTrue(java.nio.file.Files.isDirectory(data.resolve("journal")));
        broker = EmbeddedBroker.start(settings(port, data));
        try (AmqpTestClient service = service(port)) {
            AmqpTestClient.Collector c = service.collect("backup-commands", j -> true);
            await().atMost(Duration.ofSeconds(10)).until(() -> c.received.size() == 1);
            assertEquals("kept", c.received.get(0).getString("dataset"));
        } finally {
            EmbeddedBroker.stop(broker);
        }
    }

    @Test
    void anonymousAndWrongPasswordsAreRefused() {
        int port = freePort();
        EmbeddedActiveMQ broker = EmbeddedBroker.start(settings(port, dir.resolve("s")));
        try {
            try (AmqpTestClient anonymous = new AmqpTestClient(port)) {
                assertThrows(IllegalStateException.class, anonymous::connect);
            }
            try (AmqpTestClient wrong = new AmqpTestClient(port, "admin", "nope")) {
                assertThrows(IllegalStateException.class, wrong::connect);
            }
            // the hashed form is no password: the digest itself does not log in
            try (AmqpTestClient digest = new AmqpTestClient(port, "viewer", sha512Hex("viewer:Quarkus:viewer-pw"))) {
                assertThrows(IllegalStateException.class, digest::connect);
            }
            try (AmqpTestClient unknown = new AmqpTestClient(port, "nobody", "admin-pw")) {
                assertThrows(IllegalStateException.class, unknown::connect);
            }
            // the hashed account logs in with its password, as over HTTP
            try (AmqpTestClient viewer = new AmqpTestClient(port, "viewer", "viewer-pw").connect()) {
                assertTrue(viewer.connection() != null);
            }
        } finally {
            EmbeddedBroker.stop(broker);
        }
    }

    @Test
    void aViewerConsumesEventsButSendsNoCommandAndReadsNone() {
        int port = freePort();
        EmbeddedActiveMQ broker = EmbeddedBroker.start(settings(port, dir.resolve("v")));
        try (AmqpTestClient service = service(port);
                AmqpTestClient viewer = new AmqpTestClient(port, "viewer", "viewer-pw").connect()) {
            service.sendJson("backup-events", new JsonObject().put("status", "SUCCEEDED"));
            AmqpTestClient.Collector events = viewer.collect("backup-events", j -> true);
            await().atMost(Duration.ofSeconds(10)).until(() -> events.received.size() == 1);

            assertRefused(() -> viewer.sendJson("restore-commands", restore()));
            assertRefused(() -> viewer.sendJson("backup-commands", new JsonObject().put("dataset", "d")));
            assertRefused(() -> viewer.sendJson("backup-events", new JsonObject().put("status", "FORGED")));
            assertRefused(() -> viewer.collect("restore-commands", j -> true));
            assertMessageCount(0, broker, "restore-commands");
            assertMessageCount(0, broker, "backup-commands");
        } finally {
            EmbeddedBroker.stop(broker);
        }
    }

    /** Progress is a topic: every watcher gets every report through a subscription of its own, and sends none. */
    @Test
    void everyViewerGetsEveryProgressReportAndNobodyButTheServiceSendsOne() {
        int port = freePort();
        EmbeddedActiveMQ broker = EmbeddedBroker.start(settings(port, dir.resolve("p")));
        try (AmqpTestClient service = service(port);
                AmqpTestClient viewer = new AmqpTestClient(port, "viewer", "viewer-pw").connect();
                AmqpTestClient admin = new AmqpTestClient(port, "admin", "admin-pw").connect()) {
            AmqpTestClient.Collector viewerSees = viewer.subscribe("backup-progress", j -> true);
            AmqpTestClient.Collector adminSees = admin.subscribe("backup-progress", j -> true);
            service.publishJson("backup-progress", new JsonObject().put("jobId", "j1").put("filesDone", 1));
            service.publishJson("backup-progress", new JsonObject().put("jobId", "j1").put("filesDone", 2));
            await().atMost(Duration.ofSeconds(10)).until(() -> viewerSees.received.size() == 2
                    && adminSees.received.size() == 2);
            assertRefused(() -> viewer.publishJson("backup-progress", new JsonObject().put("jobId", "forged")));
            assertRefused(() -> admin.publishJson("backup-progress", new JsonObject().put("jobId", "forged")));
            assertEquals(2, viewerSees.received.size());
        } finally {
            EmbeddedBroker.stop(broker);
        }
    }

    @Test
    void anOperatorSendsBackupCommandsButNoRestore() {
        int port = freePort();
        EmbeddedActiveMQ broker = EmbeddedBroker.start(settings(port, dir.resolve("o")));
        try (AmqpTestClient operator = new AmqpTestClient(port, "operator", "operator-pw").connect()) {
            operator.sendJson("backup-commands", new JsonObject().put("dataset", "d"));
            assertRefused(() -> operator.sendJson("restore-commands", restore()));
            assertMessageCount(1, broker, "backup-commands");
            assertMessageCount(0, broker, "restore-commands");
        } finally {
            EmbeddedBroker.stop(broker);
        }
    }

    @Test
    void anAdminSendsRestoreAndBackupCommandsAndReadsEvents() {
        int port = freePort();
        EmbeddedActiveMQ broker = EmbeddedBroker.start(settings(port, dir.resolve("ad")));
        try (AmqpTestClient service = service(port);
                AmqpTestClient admin = new AmqpTestClient(port, "admin", "admin-pw").connect()) {
            admin.sendJson("restore-commands", restore());
            admin.sendJson("backup-commands", new JsonObject().put("dataset", "d"));
            assertMessageCount(1, broker, "restore-commands");
            assertMessageCount(1, broker, "backup-commands");
            service.sendJson("backup-events", new JsonObject().put("status", "SUCCEEDED"));
            AmqpTestClient.Collector events = admin.collect("backup-events", j -> true);
            await().atMost(Duration.ofSeconds(10)).until(() -> events.received.size() == 1);
            // commands are the service's to consume
            assertRefused(() -> admin.collect("restore-commands", j -> true));
        } finally {
            EmbeddedBroker.stop(broker);
        }
    }

    /**
     * verify-commands takes an operator's and an admin's verify, not a viewer's; prune-commands only an admin's;
     * both queues exist before anyone sends, and are the service's to consume.
     */
    @Test
    void verifyCommandsTakeOperatorsAndPruneCommandsOnlyAdmins() {
        int port = freePort();
        EmbeddedActiveMQ broker = EmbeddedBroker.start(settings(port, dir.resolve("lc")));
        try (AmqpTestClient viewer = new AmqpTestClient(port, "viewer", "viewer-pw").connect();
                AmqpTestClient operator = new AmqpTestClient(port, "operator", "operator-pw").connect();
                AmqpTestClient admin = new AmqpTestClient(port, "admin", "admin-pw").connect()) {
            assertMessageCount(0, broker, "verify-commands");
            assertMessageCount(0, broker, "prune-commands");
            JsonObject verify = new JsonObject().put("dataset", "d").put("depth", "checksums");
            JsonObject prune = new JsonObject().put("dataset", "d").put("dryRun", false);

            assertRefused(() -> viewer.sendJson("verify-commands", verify));
            assertRefused(() -> viewer.sendJson("prune-commands", prune));
            operator.sendJson("verify-commands", verify);
            assertRefused(() -> operator.sendJson("prune-commands", prune));
            admin.sendJson("verify-commands", verify);
            admin.sendJson("prune-commands", new JsonObject().put("dryRun", true));

            assertMessageCount(2, broker, "verify-commands");
            assertMessageCount(1, broker, "prune-commands");
            assertRefused(() -> admin.collect("prune-commands", j -> true));
            assertRefused(() -> operator.collect("verify-commands", j -> true));
        } finally {
            EmbeddedBroker.stop(broker);
        }
    }

    @Test
    void noAccountCanUseAnotherAddressAndNoneIsCreated() {
        int port = freePort();
        EmbeddedActiveMQ broker = EmbeddedBroker.start(settings(port, dir.resolve("f")));
        try (AmqpTestClient admin = new AmqpTestClient(port, "admin", "admin-pw").connect();
                AmqpTestClient service = service(port)) {
            assertRefused(() -> admin.sendText("foo", "fill the volume"));
            assertRefused(() -> service.sendText("foo", "fill the volume"));
            assertRefused(() -> admin.collect("foo", j -> true));
            assertRefused(() -> admin.sendText("DLQ", "no"));
            assertNull(broker.getActiveMQServer().getAddressInfo(SimpleString.of("foo")), "no address foo");
            assertNull(broker.getActiveMQServer().locateQueue(SimpleString.of("foo")), "no queue foo");
        } finally {
            EmbeddedBroker.stop(broker);
        }
    }

    @Test
    void aNormalRunRefusesToStartABrokerWithoutAccounts() {
        Optional<String> refusal = EmbeddedBroker.refusal(LaunchMode.NORMAL, BrokerAccounts.none(), "localhost:5672");
        assertTrue(refusal.isPresent());
        assertTrue(refusal.get().startsWith("Refusing to start: nobody could use the embedded AMQP broker on "
                + "localhost:5672") && refusal.get().contains("QUARKUS_SECURITY_USERS_EMBEDDED_USERS_")
                && refusal.get().contains("AMQP_USERNAME"), refusal.get());
        // an HTTP user, or a broker-only account, is enough; dev and test runs are never refused
        assertEquals(Optional.empty(), EmbeddedBroker.refusal(LaunchMode.NORMAL, accounts(), "localhost:5672"));
        assertEquals(Optional.empty(), EmbeddedBroker.refusal(LaunchMode.NORMAL,
                BrokerAccounts.none().with("ops", "pw", Set.of("backup-admin")), "localhost:5672"));
        assertEquals(Optional.empty(), EmbeddedBroker.refusal(LaunchMode.DEVELOPMENT, BrokerAccounts.none(), "x"));
        assertEquals(Optional.empty(), EmbeddedBroker.refusal(LaunchMode.TEST, BrokerAccounts.none(), "x"));
    }

    @Test
    void anAccountNameCannotBeTakenTwice() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> accounts().with("admin", "other", Set.of("backup-admin")));
        assertTrue(e.getMessage().contains("admin"), e.getMessage());
    }

    /** A realm as production configures it (viewer hashed) mixed with plain ones, and the service's account. */
    static BrokerAccounts accounts() {
        BrokerAccounts hashed = BrokerAccounts.fromRealm(Map.of("viewer", sha512Hex("viewer:Quarkus:viewer-pw")),
                Map.of("viewer", "backup-viewer"), false, "DIGEST_SHA_512", "Quarkus");
        return hashed.with("operator", "operator-pw", Set.of("backup-operator"))
                .with("admin", "admin-pw", Set.of("backup-admin"));
    }

    private static EmbeddedBroker.Settings settings(int port, Path data) {
        return new EmbeddedBroker.Settings("localhost", port, data,
                accounts().with(BrokerAccounts.SERVICE_USER, SERVICE_PASSWORD, Set.of(BrokerAccounts.SERVICE_ROLE)),
                EmbeddedBroker.DEFAULT_GLOBAL_MAX_SIZE);
    }

    private static AmqpTestClient service(int port) {
        return new AmqpTestClient(port, BrokerAccounts.SERVICE_USER, SERVICE_PASSWORD).connect();
    }

    private static JsonObject restore() {
        return new JsonObject().put("dataset", "d").put("cycle", 0);
    }

    /**
     * The queue holds {@code expected} messages. A settled send is routed, but the queue counts it on its own
     * executor a moment later: the count is awaited, never sampled once.
     */
    private static void assertMessageCount(long expected, EmbeddedActiveMQ broker, String queue) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(
                () -> assertEquals(expected, messageCount(broker, queue), queue));
    }

    private static long messageCount(EmbeddedActiveMQ broker, String queue) {
        Queue q = broker.getActiveMQServer().locateQueue(SimpleString.of(queue));
        return q == null ? -1 : q.getMessageCount();
    }

    /** The broker said no (not a time-out: a link that hangs would prove nothing). */
    private static void assertRefused(Executable action) {
        IllegalStateException e = assertThrows(IllegalStateException.class, action);
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertTrue(!(t instanceof TimeoutException), "timed out instead of being refused: " + e);
        }
    }

    static String sha512Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
