package org.aiod.backup.messaging;

import static org.aiod.backup.messaging.MessagingFixtures.BACKUP_COMMANDS;
import static org.aiod.backup.messaging.MessagingFixtures.BACKUP_EVENTS;
import static org.aiod.backup.messaging.MessagingFixtures.RESTORE_COMMANDS;
import static org.aiod.backup.messaging.MessagingFixtures.backup;
import static org.aiod.backup.messaging.MessagingFixtures.byCorrelation;
import static org.aiod.backup.messaging.MessagingFixtures.createDataset;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import jakarta.inject.Inject;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.testing.ArtemisTestResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.amqp.AmqpMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Commands that cannot be parsed or validated: each is answered by one REJECTED event saying why, its message is
 * dead-lettered, and the consumer keeps consuming. (A body declared {@code application/json} that is not JSON is
 * the connector's affair, see {@link AmqpBrokerOutageTest}.)
 */
@QuarkusTest
class AmqpBadCommandsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String PREFIX = MessagingFixtures.uniquePrefix("mqbad");

    @Inject
    BackupConfig config;

    static AmqpTestClient client;
    static AmqpTestClient.Collector events;

    @BeforeAll
    static void connect() {
        client = new AmqpTestClient(ArtemisTestResource.port()).connect();
        // the events of rejected commands may have no dataset: keep everything, look them up by correlation-id
        events = client.collect(BACKUP_EVENTS, e -> true);
    }

    @AfterAll
    static void disconnect() {
        events.close();
        client.close();
    }

    /** A bad command: where it goes, how it is sent, and the error expected. */
    record Bad(String what, String address, Function<AmqpTestClient, String> send, String code, String because) {
    }

    @Test
    void everyBadCommandIsRejectedDeadLetteredAndConsumingGoesOn() throws Exception {
        String ds = PREFIX + "-ok";
        createDataset(config.dataRoot(), ds);
        // one backup, so that the dataset has cycle 0 with level 0 only
        String first = client.sendJson(BACKUP_COMMANDS, backup(ds, null));
        await().atMost(WAIT).until(() -> byCorrelation(events, first).size() == 1);
        assertEquals("SUCCEEDED", byCorrelation(events, first).get(0).getString("status"));

        List<Bad> bads = List.of(
                new Bad("not JSON", BACKUP_COMMANDS, c -> c.sendText(BACKUP_COMMANDS, "backup connectors please"),
                        "INVALID_COMMAND", "not valid JSON"),
                new Bad("empty body", BACKUP_COMMANDS, c -> c.sendText(BACKUP_COMMANDS, ""),
                        "INVALID_COMMAND", "empty"),
                new Bad("JSON array", BACKUP_COMMANDS,
                        c -> c.send(BACKUP_COMMANDS, AmqpMessage.create()
                                .withJsonArrayAsBody(new JsonArray().add(ds))),
                        "INVALID_COMMAND", "must be a JSON object, was an array"),
                new Bad("missing dataset", BACKUP_COMMANDS,
                        c -> c.sendJson(BACKUP_COMMANDS, new JsonObject().put("requestId", "r")),
                        "INVALID_COMMAND", "dataset is required"),
                new Bad("dataset not a string", BACKUP_COMMANDS,
                        c -> c.sendJson(BACKUP_COMMANDS, new JsonObject().put("dataset", 42)),
                        "INVALID_COMMAND", "dataset must be a string, was the number 42"),
                new Bad("requestId not a string", BACKUP_COMMANDS,
                        c -> c.sendJson(BACKUP_COMMANDS, new JsonObject().put("dataset", ds).put("requestId", true)),
                        "INVALID_COMMAND", "requestId must be a string"),
                new Bad("invalid dataset name", BACKUP_COMMANDS,
                        c -> c.sendJson(BACKUP_COMMANDS, backup("../x", null)),
                        "INVALID_DATASET", "invalid dataset name '../x'"),
                new Bad("unknown dataset", BACKUP_COMMANDS,
                        c -> c.sendJson(BACKUP_COMMANDS, backup(PREFIX + "-nope", null)),
                        "UNKNOWN_DATASET", "unknown dataset"),
                new Bad("restore without cycle", RESTORE_COMMANDS,
                        c -> c.sendJson(RESTORE_COMMANDS, new JsonObject().put("dataset", ds)),
                        "INVALID_COMMAND", "cycle is required"),
                new Bad("restore without cycle of an unknown dataset (as over HTTP, ProblemHttpTest)",
                        RESTORE_COMMANDS,
                        c -> c.sendJson(RESTORE_COMMANDS, new JsonObject().put("dataset", PREFIX + "-nope")),
                        "INVALID_COMMAND", "cycle is required for a restore"),
                new Bad("cycle as a string", RESTORE_COMMANDS,
                        c -> c.sendJson(RESTORE_COMMANDS, new JsonObject().put("dataset", ds).put("cycle", "0")),
                        "INVALID_COMMAND", "cycle must be an integer, was the string \"0\""),
                new Bad("negative cycle", RESTORE_COMMANDS,
                        c -> c.sendJson(RESTORE_COMMANDS, new JsonObject().put("dataset", ds).put("cycle", -1)),
                        "INVALID_COMMAND", "cycle must not be negative"),
                new Bad("negative level", RESTORE_COMMANDS,
                        c -> c.sendJson(RESTORE_COMMANDS, new JsonObject().put("dataset", ds).put("cycle", 0)
                                .put("level", -3)),
                        "INVALID_COMMAND", "level must not be negative"),
                new Bad("level 2.5", RESTORE_COMMANDS,
                        c -> c.sendJson(RESTORE_COMMANDS, new JsonObject().put("dataset", ds).put("cycle", 0)
                                .put("level", 2.5)),
                        "INVALID_COMMAND", "level must be an integer, was the number 2.5"),
                new Bad("no such cycle", RESTORE_COMMANDS,
                        c -> c.sendJson(RESTORE_COMMANDS, new JsonObject().put("dataset", ds).put("cycle", 99)),
                        "NO_SUCH_CYCLE", "has no cycle 99"),
                new Bad("restore with a destination (unknown field)", RESTORE_COMMANDS,
                        c -> c.sendJson(RESTORE_COMMANDS, new JsonObject().put("dataset", ds).put("cycle", 0)
                                .put("destination", "/elsewhere")),
                        "INVALID_COMMAND", "unknown field \"destination\""),
                new Bad("backup with a comment (unknown field)", BACKUP_COMMANDS,
                        c -> c.sendJson(BACKUP_COMMANDS, backup(ds, null).put("comment", "hi")),
                        "INVALID_COMMAND", "unknown field \"comment\""),
                new Bad("cycle 0.5", RESTORE_COMMANDS,
                        c -> c.sendJson(RESTORE_COMMANDS, new JsonObject().put("dataset", ds).put("cycle", 0.5)),
                        "INVALID_COMMAND", "cycle must be an integer, was the number 0.5"),
                new Bad("trailing garbage", BACKUP_COMMANDS,
                        c -> c.sendText(BACKUP_COMMANDS, backup(ds, null).encode() + " garbage"),
                        "INVALID_COMMAND", "not valid JSON"),
                new Bad("a second object", BACKUP_COMMANDS,
                        c -> c.sendText(BACKUP_COMMANDS, backup(ds, null).encode() + backup(ds, null).encode()),
                        "INVALID_COMMAND", "not valid JSON"),
                new Bad("requestId too long", BACKUP_COMMANDS,
                        c -> c.sendJson(BACKUP_COMMANDS, backup(ds, "r".repeat(129))),
                        "INVALID_COMMAND", "requestId must be 1 to 128 characters of [A-Za-z0-9._:-]"),
                new Bad("requestId ill-formed", BACKUP_COMMANDS,
                        c -> c.sendJson(BACKUP_COMMANDS, backup(ds, "a b/c")),
                        "INVALID_COMMAND", "requestId must be 1 to 128 characters of [A-Za-z0-9._:-]"),
                new Bad("no such level", RESTORE_COMMANDS,
                        c -> c.sendJson(RESTORE_COMMANDS, new JsonObject().put("dataset", ds).put("cycle", 0)
                                .put("level", 5)),
                        "NO_SUCH_LEVEL", "there is no level 5"));

        long dlqBefore = ArtemisTestResource.messageCount(ArtemisTestResource.DLQ);
        List<String> ids = new ArrayList<>();
        for (Bad bad : bads) {
            ids.add(bad.send().apply(client));
        }
        await().atMost(WAIT).until(() -> ids.stream().allMatch(id -> !byCorrelation(events, id).isEmpty()));
        await().atMost(WAIT).until(
                () -> ArtemisTestResource.messageCount(ArtemisTestResource.DLQ) == dlqBefore + bads.size());

        for (int i = 0; i < bads.size(); i++) {
            Bad bad = bads.get(i);
            List<JsonObject> answers = byCorrelation(events, ids.get(i));
            assertEquals(1, answers.size(), bad.what() + ": " + answers);
            JsonObject e = answers.get(0);
            assertEquals("REJECTED", e.getString("status"), bad.what() + ": " + e.encode());
            assertEquals("amqp", e.getString("source"), bad.what());
            assertEquals(bad.address().equals(BACKUP_COMMANDS) ? "BACKUP" : "RESTORE", e.getString("type"));
            assertNotNull(e.getString("jobId"));
            assertNotNull(e.getString("finishedAt"));
            JsonObject error = e.getJsonObject("error");
            assertNotNull(error, bad.what() + ": " + e.encode());
            assertEquals(bad.code(), error.getString("code"), bad.what() + ": " + error.encode());
            assertTrue(error.getString("message").contains(bad.because()),
                    bad.what() + ": expected '" + bad.because() + "' in '" + error.getString("message") + "'");
        }

        // the consumers are still there: a valid command sent afterwards succeeds, and nothing more is dead-lettered
        String after = client.sendJson(RESTORE_COMMANDS, new JsonObject().put("dataset", ds).put("cycle", 0)
                .put("level", 0));
        await().atMost(WAIT).until(() -> byCorrelation(events, after).size() == 1);
        assertEquals("SUCCEEDED", byCorrelation(events, after).get(0).getString("status"),
                byCorrelation(events, after).get(0).encode());
        String afterBackup = client.sendText(BACKUP_COMMANDS, backup(ds, null).encode());
        await().atMost(WAIT).until(() -> byCorrelation(events, afterBackup).size() == 1);
        assertEquals("SUCCEEDED", byCorrelation(events, afterBackup).get(0).getString("status"),
                "JSON as an AMQP string works too");
        assertEquals(dlqBefore + bads.size(), ArtemisTestResource.messageCount(ArtemisTestResource.DLQ));
        await().atMost(WAIT).until(() -> ArtemisTestResource.messageCount(BACKUP_COMMANDS) == 0
                && ArtemisTestResource.messageCount(RESTORE_COMMANDS) == 0);
    }
}
