package org.aiod.backup.messaging;

import static org.aiod.backup.messaging.MessagingFixtures.BACKUP_COMMANDS;
import static org.aiod.backup.messaging.MessagingFixtures.BACKUP_EVENTS;
import static org.aiod.backup.messaging.MessagingFixtures.backup;
import static org.aiod.backup.messaging.MessagingFixtures.createDataset;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.job.JobService;
import org.aiod.backup.job.JobState;
import org.aiod.backup.testing.ArtemisTestResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;

/**
 * A full job queue pauses AMQP consumption instead of refusing commands: the commands beyond the queue's capacity
 * wait in the broker, and run, in order, once there is room.
 */
@QuarkusTest
@TestProfile(AmqpBackpressureTest.TwoSlots.class)
class AmqpBackpressureTest {

    /** Two queued commands at most, one worker. */
    public static class TwoSlots implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("backup.queue-capacity", "2", "backup.workers", "1", "backup.lock-timeout", "60s");
        }
    }

    private static final String PREFIX = MessagingFixtures.uniquePrefix("mqfull");
    private static final int COMMANDS = 6;

    @Inject
    BackupConfig config;

    @Inject
    JobService jobs;

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
    void aFullQueuePausesConsumptionAndNothingIsRefused() throws Exception {
        String ds = PREFIX + "-a";
        createDataset(config.dataRoot(), ds);
        List<String> sent = new ArrayList<>();
        try (AutoCloseable lock = MessagingFixtures.holdDatasetLock(config.backupRoot(), ds)) {
            for (int i = 0; i < COMMANDS; i++) {
                sent.add(client.sendJson(BACKUP_COMMANDS, backup(ds, null)));
            }
            // one job running (blocked on the lock), two queued: the queue is full, the fourth command waits
            await().atMost(Duration.ofSeconds(30)).until(() -> jobs.list(ds, JobState.RUNNING).size() == 1
                    && jobs.queueDepth() == 2);
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .until(() -> jobs.list(ds, null).size() == 3);
            assertEquals(COMMANDS, ArtemisTestResource.messageCount(BACKUP_COMMANDS), "nothing settled yet");
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> events.received.size() == COMMANDS);
        List<JsonObject> byEnd = new ArrayList<>(events.received);
        byEnd.sort(Comparator.comparing(e -> Instant.parse(e.getString("finishedAt"))));
        for (int k = 0; k < COMMANDS; k++) {
            JsonObject e = byEnd.get(k);
            assertEquals("SUCCEEDED", e.getString("status"), e.encode());
            assertEquals(sent.get(k), e.getString(AmqpTestClient.CORRELATION_ID), "run in send order");
            assertEquals(k, e.getInteger("level"));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> ArtemisTestResource.messageCount(BACKUP_COMMANDS) == 0);
    }
}
