package org.aiod.backup.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vertx.core.json.JsonObject;

/** The embedded broker's start logic, without Quarkus: it listens, persists, refuses a taken port, checks credentials. */
class EmbeddedBrokerTest {

    @TempDir
    Path dir;

    @Test
    void startsOnAFreePortAndCarriesMessages() {
        int port = freePort();
        EmbeddedActiveMQ broker = EmbeddedBroker.start(settings(port, dir.resolve("a"), null, null));
        try (AmqpTestClient client = new AmqpTestClient(port).connect()) {
            // ANYCAST auto-created queue: the message waits although nobody listens yet
            client.sendJson("probe", new JsonObject().put("n", 1));
            AmqpTestClient.Collector c = client.collect("probe", j -> true);
            await().atMost(Duration.ofSeconds(10)).until(() -> c.received.size() == 1);
            assertEquals(1, c.received.get(0).getInteger("n"));
        } finally {
            EmbeddedBroker.stop(broker);
        }
    }

    @Test
    void refusesAPortThatIsTaken() {
        int port = freePort();
        EmbeddedActiveMQ first = EmbeddedBroker.start(settings(port, dir.resolve("a"), null, null));
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> EmbeddedBroker.start(settings(port, dir.resolve("b"), null, null)));
            assertTrue(e.getMessage().contains("port " + port) && e.getMessage().contains("already in use"), e.getMessage());
            // the first one is unharmed
            try (AmqpTestClient client = new AmqpTestClient(port).connect()) {
                client.sendText("probe2", "still here");
            }
        } finally {
            EmbeddedBroker.stop(first);
        }
    }

    @Test
    void queuedMessagesSurviveARestart() {
        int port = freePort();
        Path data = dir.resolve("persistent");
        EmbeddedActiveMQ broker = EmbeddedBroker.start(settings(port, data, null, null));
        try (AmqpTestClient client = new AmqpTestClient(port).connect()) {
            client.sendJson("backup-commands", new JsonObject().put("dataset", "kept"));
        } finally {
            EmbeddedBroker.stop(broker);
        }
        assertTrue(java.nio.file.Files.isDirectory(data.resolve("journal")));
        broker = EmbeddedBroker.start(settings(port, data, null, null));
        try (AmqpTestClient client = new AmqpTestClient(port).connect()) {
            AmqpTestClient.Collector c = client.collect("backup-commands", j -> true);
            await().atMost(Duration.ofSeconds(10)).until(() -> c.received.size() == 1);
            assertEquals("kept", c.received.get(0).getString("dataset"));
        } finally {
            EmbeddedBroker.stop(broker);
        }
    }

    @Test
    void withCredentialsConfiguredOnlyThoseAreAccepted() {
        int port = freePort();
        EmbeddedActiveMQ broker = EmbeddedBroker.start(settings(port, dir.resolve("s"), "svc", "s3cret"));
        try {
            try (AmqpTestClient anonymous = new AmqpTestClient(port)) {
                assertThrows(IllegalStateException.class, anonymous::connect);
            }
            try (AmqpTestClient wrong = new AmqpTestClient(port, "svc", "nope")) {
                assertThrows(IllegalStateException.class, wrong::connect);
            }
            try (AmqpTestClient right = new AmqpTestClient(port, "svc", "s3cret").connect()) {
                right.sendJson("probe3", new JsonObject().put("ok", true));
                AmqpTestClient.Collector c = right.collect("probe3", j -> true);
                await().atMost(Duration.ofSeconds(10)).until(() -> c.received.size() == 1);
                assertNotNull(c.received.get(0).getBoolean("ok"));
            }
        } finally {
            EmbeddedBroker.stop(broker);
        }
    }

    private static EmbeddedBroker.Settings settings(int port, Path data, String user, String password) {
        return new EmbeddedBroker.Settings("localhost", port, data, Optional.ofNullable(user),
                Optional.ofNullable(password), EmbeddedBroker.DEFAULT_GLOBAL_MAX_SIZE);
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
