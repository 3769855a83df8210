package org.aiod.backup.messaging;

import static org.aiod.backup.messaging.MessagingFixtures.BACKUP_COMMANDS;
import static org.aiod.backup.messaging.MessagingFixtures.BACKUP_EVENTS;
import static org.aiod.backup.messaging.MessagingFixtures.backup;
import static org.aiod.backup.messaging.MessagingFixtures.byCorrelation;
import static org.aiod.backup.messaging.MessagingFixtures.byRequest;
import static org.aiod.backup.messaging.MessagingFixtures.createDataset;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import org.aiod.backup.api.LifecycleProfile;
import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.testing.ArtemisTestResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PRUNE and VERIFY over AMQP on their own queues ({@code verify-commands}, {@code prune-commands}), completion events
 * with their results, a prune without dataset pruning every dataset, a bad depth and the old {@code "command"} field
 * rejected, consumption going on.
 * Retention keep-last=1, one level per cycle ({@link LifecycleProfile}).
 */
@QuarkusTest
@TestProfile(LifecycleProfile.class)
class AmqpLifecycleCommandsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String PREFIX = MessagingFixtures.uniquePrefix("mqlc");
    private static final String VERIFY_COMMANDS = "verify-commands";
    private static final String PRUNE_COMMANDS = "prune-commands";

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

    private JsonObject run(String queue, JsonObject command) {
        String requestId = "lc-" + UUID.randomUUID();
        client.sendJson(queue, command.put("requestId", requestId));
        await().atMost(WAIT).until(() -> byRequest(events, requestId).size() == 1);
        return byRequest(events, requestId).get(0);
    }

    @Test
    void aPruneCommandEndsWithAnEventListingTheRemovedCycles() throws Exception {
        String ds = PREFIX + "-prune";
        createDataset(config.dataRoot(), ds);
        for (int i = 0; i < 3; i++) {
            Files.writeString(config.dataRoot().resolve(ds).resolve("n" + i), "change " + i);
            assertEquals("SUCCEEDED", run(BACKUP_COMMANDS, backup(ds, null)).getString("status"));
        }

        JsonObject dry = run(PRUNE_COMMANDS, new JsonObject().put("dataset", ds).put("dryRun", true));
        assertEquals("SUCCEEDED", dry.getString("status"), dry.encodePrettily());
        assertEquals("PRUNE", dry.getString("type"));
        assertEquals(List.of(0L, 1L, 2L), MessagingFixtures.cycles(config.backupRoot(), ds), "a dry run removed");

        JsonObject e = run(PRUNE_COMMANDS, new JsonObject().put("dataset", ds));
        assertEquals("SUCCEEDED", e.getString("status"), e.encodePrettily());
        JsonObject prune = e.getJsonObject("prune");
        assertEquals(false, prune.getBoolean("dryRun"));
        JsonArray removed = prune.getJsonArray("removed");
        assertEquals(List.of(0, 1), removed.stream().map(r -> ((JsonObject) r).getInteger("cycle")).toList());
        assertTrue(removed.getJsonObject(0).getLong("bytes") > 0, e.encode());
        assertEquals(1, removed.getJsonObject(0).getInteger("levels"));
        assertTrue(prune.getLong("bytesFreed") > 0);
        assertEquals(2, prune.getJsonArray("kept").getJsonObject(0).getInteger("cycle"));
        assertEquals(List.of(2L), MessagingFixtures.cycles(config.backupRoot(), ds));
    }

    /**
     * A prune-commands message without dataset prunes every managed dataset: one PRUNE job each, with its event
     * (request id {@code <requestId>:<dataset>}, correlation id {@code <messageId>/<dataset>}).
     */
    @Test
    void aPruneWithoutDatasetPrunesEveryDatasetWithAnEventEach() throws Exception {
        List<String> datasets = List.of(PREFIX + "-all-a", PREFIX + "-all-b");
        for (String ds : datasets) {
            createDataset(config.dataRoot(), ds);
            for (int i = 0; i < 2; i++) {
                Files.writeString(config.dataRoot().resolve(ds).resolve("n" + i), "change " + i);
                assertEquals("SUCCEEDED", run(BACKUP_COMMANDS, backup(ds, null)).getString("status"));
            }
        }

        String requestId = "all-" + UUID.randomUUID();
        String messageId = client.sendJson(PRUNE_COMMANDS, new JsonObject().put("dryRun", false)
                .put("requestId", requestId));
        for (String ds : datasets) {
            await().atMost(WAIT).until(() -> byRequest(events, requestId + ":" + ds).size() == 1);
            JsonObject e = byRequest(events, requestId + ":" + ds).get(0);
            assertEquals("SUCCEEDED", e.getString("status"), e.encodePrettily());
            assertEquals("PRUNE", e.getString("type"));
            assertEquals(ds, e.getString("dataset"));
            assertEquals(1, byCorrelation(events, messageId + "/" + ds).size(), e.encode());
            assertEquals(List.of(0), e.getJsonObject("prune").getJsonArray("removed").stream()
                    .map(r -> ((JsonObject) r).getInteger("cycle")).toList(), e.encode());
            assertEquals(List.of(1L), MessagingFixtures.cycles(config.backupRoot(), ds));
        }
    }

    @Test
    void aVerifyCommandEndsWithAnEventGivingEachLevel() throws Exception {
        String ds = PREFIX + "-verify";
        createDataset(config.dataRoot(), ds);
        assertEquals("SUCCEEDED", run(BACKUP_COMMANDS, backup(ds, null)).getString("status"));

        JsonObject e = run(VERIFY_COMMANDS, new JsonObject().put("dataset", ds).put("depth", "drill"));
        assertEquals("SUCCEEDED", e.getString("status"), e.encodePrettily());
        assertEquals("VERIFY", e.getString("type"));
        JsonObject verify = e.getJsonObject("verify");
        assertEquals("drill", verify.getString("depth"));
        assertEquals("OK", verify.getJsonArray("levels").getJsonObject(0).getString("status"));
        assertEquals(true, verify.getJsonObject("drill").getBoolean("passed"));
    }

    @Test
    void anUnknownDepthOrACommandOnTheWrongQueueIsRejectedAndConsumptionGoesOn() throws Exception {
        String ds = PREFIX + "-bad";
        createDataset(config.dataRoot(), ds);

        String badDepth = client.sendJson(VERIFY_COMMANDS, new JsonObject().put("dataset", ds).put("depth", "deep"));
        await().atMost(WAIT).until(() -> byCorrelation(events, badDepth).size() == 1);
        JsonObject rejected = byCorrelation(events, badDepth).get(0);
        assertEquals("REJECTED", rejected.getString("status"));
        assertEquals("VERIFY", rejected.getString("type"));
        assertEquals("INVALID_COMMAND", rejected.getJsonObject("error").getString("code"));
        assertTrue(rejected.getJsonObject("error").getString("message")
                .contains("depth must be checksums or drill, was \"deep\""), rejected.encode());

        // a prune goes to prune-commands (admin only): the field that once picked it on the operator's queue is
        // unknown, whatever queue it comes on
        String wrongQueue = client.sendJson(BACKUP_COMMANDS, new JsonObject().put("command", "PRUNE")
                .put("dataset", ds));
        await().atMost(WAIT).until(() -> byCorrelation(events, wrongQueue).size() == 1);
        JsonObject refused = byCorrelation(events, wrongQueue).get(0);
        assertEquals("REJECTED", refused.getString("status"));
        assertTrue(refused.getJsonObject("error").getString("message").contains("unknown field \"command\""),
                refused.encode());
        String onPrune = client.sendJson(PRUNE_COMMANDS, new JsonObject().put("command", "PRUNE").put("dataset", ds));
        await().atMost(WAIT).until(() -> byCorrelation(events, onPrune).size() == 1);
        JsonObject unknown = byCorrelation(events, onPrune).get(0);
        assertEquals("REJECTED", unknown.getString("status"));
        assertEquals("PRUNE", unknown.getString("type"));
        assertEquals("unknown field \"command\" (a prune command has dataset, dryRun, requestId)",
                unknown.getJsonObject("error").getString("message"));

        // the consumer carries on
        assertEquals("SUCCEEDED", run(BACKUP_COMMANDS, backup(ds, null)).getString("status"));
        JsonObject next = run(VERIFY_COMMANDS, new JsonObject().put("dataset", ds));
        assertEquals("SUCCEEDED", next.getString("status"), next.encodePrettily());
        assertEquals("checksums", next.getJsonObject("verify").getString("depth"));
        assertFalse(next.getJsonObject("verify").containsKey("drill"));
    }
}
