package org.aiod.backup.messaging;

import static org.aiod.backup.messaging.MessagingFixtures.BACKUP_COMMANDS;
import static org.aiod.backup.messaging.MessagingFixtures.BACKUP_EVENTS;
import static org.aiod.backup.messaging.MessagingFixtures.RESTORE_COMMANDS;
import static org.aiod.backup.messaging.MessagingFixtures.backup;
import static org.aiod.backup.messaging.MessagingFixtures.byCorrelation;
import static org.aiod.backup.messaging.MessagingFixtures.byRequest;
import static org.aiod.backup.messaging.MessagingFixtures.createDataset;
import static org.aiod.backup.messaging.MessagingFixtures.levelFiles;
import static org.aiod.backup.messaging.MessagingFixtures.restore;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.engine.testing.TreeSnapshot;
import org.aiod.backup.job.Job;
import org.aiod.backup.job.JobCommand;
import org.aiod.backup.job.JobService;
import org.aiod.backup.job.JobSource;
import org.aiod.backup.job.JobState;
import org.aiod.backup.job.Submission;
import org.aiod.backup.testing.ArtemisTestResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/**
 * Commands over AMQP as an external system sends them: a backup and a restore round trip, duplicates answered from
 * the journal, and a command redelivered after its consumer's connection was cut before settlement.
 */
@QuarkusTest
class AmqpRoundTripTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String PREFIX = MessagingFixtures.uniquePrefix("mqrt");

    @Inject
    BackupConfig config;

    @Inject
    JobService jobs;

    static AmqpTestClient client;
    static AmqpTestClient.Collector events;

    @BeforeAll
    static void connect() {
        client = new AmqpTestClient(ArtemisTestResource.port()).connect();
        events = client.collect(BACKUP_EVENTS, AmqpRoundTripTest::mine);
    }

    @AfterAll
    static void disconnect() {
        events.close();
        client.close();
    }

    private static boolean mine(JsonObject event) {
        return event.getString("dataset") != null && event.getString("dataset").startsWith(PREFIX);
    }

    @Test
    void backupThenRestoreOverAmqp() throws Exception {
        String ds = PREFIX + "-rt";
        Path dir = createDataset(config.dataRoot(), ds);
        TreeSnapshot backedUp = TreeSnapshot.of(dir);

        String requestId = "rt-" + UUID.randomUUID();
        String messageId = client.sendJson(BACKUP_COMMANDS, backup(ds, requestId));
        await().atMost(WAIT).until(() -> byRequest(events, requestId).size() == 1);
        JsonObject e = byRequest(events, requestId).get(0);
        assertEquals("SUCCEEDED", e.getString("status"), e.encodePrettily());
        assertEquals("BACKUP", e.getString("type"));
        assertEquals("amqp", e.getString("source"));
        assertEquals(ds, e.getString("dataset"));
        assertEquals(0L, e.getLong("cycle"));
        assertEquals(0, e.getInteger("level"));
        assertTrue(e.getLong("files") >= 3, e.encode());
        assertTrue(e.getLong("bytes") > 0, e.encode());
        assertTrue(e.getString("archive").endsWith(ds + "_0/" + ds + "0.tar.gz"), e.getString("archive"));
        assertTrue(Files.isRegularFile(Path.of(e.getString("archive"))) || Files.isRegularFile(
                config.backupRoot().resolve(ds).resolve(ds + "_0").resolve(ds + "0.tar.gz")));
        assertNotNull(e.getString("jobId"));
        assertNull(e.getValue("error"));
        assertFalse(e.containsKey("messageId"), "the broker's message id is not part of the body");
        assertEquals(messageId, e.getString(AmqpTestClient.CORRELATION_ID), "correlation-id = command message-id");
        Instant queued = Instant.parse(e.getString("queuedAt"));
        Instant started = Instant.parse(e.getString("startedAt"));
        Instant finished = Instant.parse(e.getString("finishedAt"));
        assertFalse(started.isBefore(queued));
        assertFalse(finished.isBefore(started));

        // change the tree: edit, add, delete
        Files.writeString(dir.resolve("a.txt"), "changed\n");
        Files.writeString(dir.resolve("new.txt"), "new\n");
        Files.delete(dir.resolve("sub").resolve("c.bin"));

        String restoreId = "rs-" + UUID.randomUUID();
        client.sendJson(RESTORE_COMMANDS, restore(ds, 0, null, restoreId));
        await().atMost(WAIT).until(() -> byRequest(events, restoreId).size() == 1);
        JsonObject r = byRequest(events, restoreId).get(0);
        assertEquals("SUCCEEDED", r.getString("status"), r.encodePrettily());
        assertEquals("RESTORE", r.getString("type"));
        assertEquals(0L, r.getLong("cycle"));
        assertEquals(0, r.getInteger("level"));
        TreeSnapshot.of(dir).assertSameAs(backedUp, "data tree after restoring cycle 0 over AMQP");

        // exactly one event each, and both command messages settled
        await().atMost(WAIT).until(() -> ArtemisTestResource.messageCount(BACKUP_COMMANDS) == 0
                && ArtemisTestResource.messageCount(RESTORE_COMMANDS) == 0);
        assertEquals(1, byRequest(events, requestId).size());
        assertEquals(1, byRequest(events, restoreId).size());
    }

    @Test
    void sameRequestIdTwiceRunsOnce() throws Exception {
        String ds = PREFIX + "-dup";
        createDataset(config.dataRoot(), ds);
        String requestId = "dup-" + UUID.randomUUID();

        client.sendJson(BACKUP_COMMANDS, backup(ds, requestId));
        await().atMost(WAIT).until(() -> byRequest(events, requestId).size() == 1);
        // the same request again, after the first finished: answered from the journal, the event published again
        client.sendJson(BACKUP_COMMANDS, backup(ds, requestId));
        await().atMost(WAIT).until(() -> byRequest(events, requestId).size() == 2);

        List<JsonObject> answers = byRequest(events, requestId);
        assertEquals(answers.get(0).getString("jobId"), answers.get(1).getString("jobId"));
        assertTrue(answers.stream().allMatch(a -> "SUCCEEDED".equals(a.getString("status"))));
        assertEquals(List.of(ds + "0.tar.gz"), levelFiles(config.backupRoot(), ds, 0), "one level written");

        // twice at once: the second arrives while the first is queued or running and waits for its end
        String burst = "burst-" + UUID.randomUUID();
        client.sendJson(BACKUP_COMMANDS, backup(ds, burst));
        client.sendJson(BACKUP_COMMANDS, backup(ds, burst));
        await().atMost(WAIT).until(() -> !byRequest(events, burst).isEmpty()
                && ArtemisTestResource.messageCount(BACKUP_COMMANDS) == 0);
        assertEquals(1, byRequest(events, burst).stream().map(a -> a.getString("jobId")).distinct().count());
        assertEquals(List.of(ds + "0.tar.gz", ds + "1.tar.gz"), levelFiles(config.backupRoot(), ds, 0));
        assertEquals(1, jobs.list(ds, null).stream().filter(j -> burst.equals(j.requestId())).count());
    }

    /**
     * What is proven: (1) at the job level, a command carrying a message id that is already in the journal is answered
     * by the existing job ({@code existing=true}, same job id) and runs no second time; (2) end to end, when the
     * service's connection to the broker is cut while a command's job runs (so the message is not settled yet), the
     * broker redelivers the message to the reconnected consumer, which joins the job already running instead of
     * starting another: one job in the journal, one level on disk, and the redelivered message is settled (the queue
     * ends empty) once the job's event is out. A process crash is the same for the broker: the connection drops
     * with the message unsettled; the journal then answers by message id across the restart (point 1).
     */
    @Test
    void aRedeliveredCommandRunsOnce() throws Exception {
        String ds = PREFIX + "-redeliver";
        createDataset(config.dataRoot(), ds);

        // (1) job level
        String messageId = "msg-" + UUID.randomUUID();
        Submission first = jobs.submit(JobCommand.backup(ds, null, JobSource.AMQP).withMessageId(messageId));
        Job done = first.done().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(JobState.SUCCEEDED, done.status());
        Submission again = jobs.submit(JobCommand.backup(ds, null, JobSource.AMQP).withMessageId(messageId));
        assertTrue(again.existing());
        assertEquals(first.job().jobId(), again.job().jobId());
        assertEquals(JobState.SUCCEEDED, again.done().toCompletableFuture().get(30, TimeUnit.SECONDS).status());
        assertEquals(List.of(ds + "0.tar.gz"), levelFiles(config.backupRoot(), ds, 0));

        // (2) end to end: the job blocks on the dataset lock, the connection is cut, the message comes back
        String sent;
        try (AutoCloseable lock = MessagingFixtures.holdDatasetLock(config.backupRoot(), ds)) {
            sent = client.sendJson(BACKUP_COMMANDS, backup(ds, null));
            await().atMost(WAIT).until(() -> jobs.list(ds, JobState.RUNNING).size() == 1);
            assertEquals(1, ArtemisTestResource.messageCount(BACKUP_COMMANDS), "not settled while running");
            events.close();
            client.close();
            assertTrue(ArtemisTestResource.dropConnections() > 0);
            // the service reconnects (backoff from 1 s) and the broker redelivers the unsettled command to it: it is
            // in delivery again (held, unsettled, by the consumer) while the job still waits for the lock
            client = new AmqpTestClient(ArtemisTestResource.port()).connect();
            events = client.collect(BACKUP_EVENTS, AmqpRoundTripTest::mine);
            await().atMost(WAIT).until(() -> jobs.list(ds, null).stream()
                    .filter(j -> sent.equals(j.messageId())).count() == 1
                    && ArtemisTestResource.messageCount(BACKUP_COMMANDS) == 1
                    && ArtemisTestResource.deliveringCount(BACKUP_COMMANDS) == 1);
        }
        await().atMost(WAIT).until(() -> !byCorrelation(events, sent).isEmpty()
                && ArtemisTestResource.messageCount(BACKUP_COMMANDS) == 0);
        assertEquals(1, jobs.list(ds, null).stream().filter(j -> sent.equals(j.messageId())).count());
        assertEquals(1, byCorrelation(events, sent).stream().map(e -> e.getString("jobId")).distinct().count());
        assertEquals("SUCCEEDED", byCorrelation(events, sent).get(0).getString("status"));
        assertEquals(List.of(ds + "0.tar.gz", ds + "1.tar.gz"), levelFiles(config.backupRoot(), ds, 0));
    }
}
