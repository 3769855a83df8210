package org.aiod.backup.messaging;

import static org.aiod.backup.messaging.MessagingFixtures.BACKUP_COMMANDS;
import static org.aiod.backup.messaging.MessagingFixtures.BACKUP_EVENTS;
import static org.aiod.backup.messaging.MessagingFixtures.RESTORE_COMMANDS;
import static org.aiod.backup.messaging.MessagingFixtures.backup;
import static org.aiod.backup.messaging.MessagingFixtures.byRequest;
import static org.aiod.backup.messaging.MessagingFixtures.createDataset;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.engine.testing.TreeSnapshot;
import org.aiod.backup.engine.testing.Trees;
import org.aiod.backup.testing.ArtemisTestResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A restore's options over AMQP, through the real broker: a subset, a target refused, a dry run's plan. */
@QuarkusTest
class AmqpRestoreOptionsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String PREFIX = MessagingFixtures.uniquePrefix("mqopt");

    @Inject
    BackupConfig config;

    static AmqpTestClient client;
    static AmqpTestClient.Collector events;

    @BeforeAll
    static void connect() {
        client = new AmqpTestClient(ArtemisTestResource.port()).connect();
        events = client.collect(BACKUP_EVENTS, e -> e.getString("dataset") != null
                && e.getString("dataset").startsWith(PREFIX));
    }

    @AfterAll
    static void disconnect() {
        events.close();
        client.close();
    }

    @Test
    void aSubsetRestoredInPlaceLeavesEverythingElseAsItIs() throws Exception {
        String ds = PREFIX + "-subset";
        Path dir = createDataset(config.dataRoot(), ds);
        JsonObject backedUp = send(BACKUP_COMMANDS, backup(ds, null));
        assertEquals("SUCCEEDED", backedUp.getString("status"), backedUp.encodePrettily());
        Trees.tick(config.dataRoot().getParent());
        Files.writeString(dir.resolve("a.txt"), "changed after the backup\n");
        Files.writeString(dir.resolve("sub/b.txt"), "changed too\n");
        Files.delete(dir.resolve("sub/c.bin"));
        Files.writeString(dir.resolve("sub/new.txt"), "new\n");
        TreeSnapshot changed = TreeSnapshot.of(dir, p -> p.startsWith("sub"));

        JsonObject restored = send(RESTORE_COMMANDS, new JsonObject().put("dataset", ds).put("cycle", 0)
                .put("paths", new JsonArray().add("sub")));
        assertEquals("SUCCEEDED", restored.getString("status"), restored.encodePrettily());
        assertEquals("beta\n".repeat(100), Files.readString(dir.resolve("sub/b.txt")));
        assertTrue(Files.exists(dir.resolve("sub/c.bin")), "sub restored as it was");
        assertFalse(Files.exists(dir.resolve("sub/new.txt")), "sub is exactly its tree at the level");
        TreeSnapshot.of(dir, p -> p.startsWith("sub")).ignoringDirectoryMtimes()
                .assertSameAs(changed.ignoringDirectoryMtimes(), "everything outside the subset");
        assertEquals("changed after the backup\n", Files.readString(dir.resolve("a.txt")));

        // a path the level does not hold fails the run, naming it, and changes nothing
        JsonObject missing = send(RESTORE_COMMANDS, new JsonObject().put("dataset", ds).put("cycle", 0)
                .put("paths", new JsonArray().add("no/such")));
        assertEquals("FAILED", missing.getString("status"));
        assertEquals("NO_SUCH_PATH", missing.getJsonObject("error").getString("code"));
        // a path with '..' is rejected before it is queued
        JsonObject bad = send(RESTORE_COMMANDS, new JsonObject().put("dataset", ds).put("cycle", 0)
                .put("paths", new JsonArray().add("../etc")));
        assertEquals("REJECTED", bad.getString("status"));
        assertEquals("INVALID_PATH", bad.getJsonObject("error").getString("code"));
    }

    @Test
    void aTargetOutsideTheAllowedDirectoriesIsRejectedAndWritesNothing() throws Exception {
        String ds = PREFIX + "-notallowed";
        createDataset(config.dataRoot(), ds);
        assertEquals("SUCCEEDED", send(BACKUP_COMMANDS, backup(ds, null)).getString("status"));
        Path outside = config.dataRoot().toAbsolutePath().normalize().getParent().resolve("outside-" + ds);

        JsonObject rejected = send(RESTORE_COMMANDS, new JsonObject().put("dataset", ds).put("cycle", 0)
                .put("target", outside.toString()));
        assertEquals("REJECTED", rejected.getString("status"), rejected.encodePrettily());
        assertEquals("TARGET_NOT_ALLOWED", rejected.getJsonObject("error").getString("code"));
        assertFalse(Files.exists(outside, LinkOption.NOFOLLOW_LINKS), "nothing written");

        // into the allowed directory, as a dry run first: the event carries the plan, nothing is written
        Path target = config.dataRoot().toAbsolutePath().normalize().getParent().resolve("restore").resolve(ds);
        try {
            JsonObject dry = send(RESTORE_COMMANDS, new JsonObject().put("dataset", ds).put("cycle", 0)
                    .put("target", target.toString()).put("dryRun", true));
            assertEquals("SUCCEEDED", dry.getString("status"), dry.encodePrettily());
            JsonObject plan = dry.getJsonObject("plan");
            assertEquals(3, plan.getJsonObject("create").getLong("count"), plan.encode());
            assertEquals(List.of("a.txt", "sub/b.txt", "sub/c.bin"),
                    plan.getJsonObject("create").getJsonArray("paths").getList());
            assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS), "a dry run creates no target");

            JsonObject real = send(RESTORE_COMMANDS, new JsonObject().put("dataset", ds).put("cycle", 0)
                    .put("target", target.toString()));
            assertEquals("SUCCEEDED", real.getString("status"), real.encodePrettily());
            assertFalse(real.containsKey("plan"), "a restore that ran has no plan");
            TreeSnapshot.assertSameTree(config.dataRoot().resolve(ds), target, "the target restore");
        } finally {
            Trees.deleteRecursively(target);
        }
    }

    /** Sends {@code body} with a fresh request id and returns the one event that answers it. */
    private static JsonObject send(String address, JsonObject body) {
        String requestId = "opt-" + UUID.randomUUID();
        client.sendJson(address, body.put("requestId", requestId));
        await().atMost(WAIT).until(() -> byRequest(events, requestId).size() == 1);
        return byRequest(events, requestId).get(0);
    }
}
