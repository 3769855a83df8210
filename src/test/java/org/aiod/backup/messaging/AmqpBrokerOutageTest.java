package org.aiod.backup.messaging;

import static org.aiod.backup.messaging.MessagingFixtures.BACKUP_COMMANDS;
import static org.aiod.backup.messaging.MessagingFixtures.BACKUP_EVENTS;
import static org.aiod.backup.messaging.MessagingFixtures.backup;
import static org.aiod.backup.messaging.MessagingFixtures.byCorrelation;
import static org.aiod.backup.messaging.MessagingFixtures.createDataset;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import jakarta.inject.Inject;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.job.JobService;
import org.aiod.backup.job.JobState;
import org.aiod.backup.testing.ArtemisTestResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.amqp.AmqpMessage;
import io.vertx.core.buffer.Buffer;

/**
 * The broker going away: the service reconnects and carries on, and an event produced while the broker is down is
 * delivered once it is back. Also the one bad command the application never sees. The test broker is not persistent:
 * what is in its queues when it stops is lost.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AmqpBrokerOutageTest {

    private static final Duration BACK = Duration.ofSeconds(60);
    private static final String PREFIX = MessagingFixtures.uniquePrefix("mqout");

    @Inject
    BackupConfig config;

    @Inject
    JobService jobs;

    static AmqpTestClient client;
    static AmqpTestClient.Collector events;

    @BeforeAll
    static void connect() {
        reconnect();
    }

    @AfterAll
    static void disconnect() {
        events.close();
        client.close();
        // whatever happened, leave a running broker to the next test class
        ArtemisTestResource.startBroker();
    }

    static void reconnect() {
        if (client != null) {
            events.close();
            client.close();
        }
        client = new AmqpTestClient(ArtemisTestResource.port()).connect();
        events = client.collect(BACKUP_EVENTS, e -> e.getString("dataset") != null
                && e.getString("dataset").startsWith(PREFIX));
    }

    /**
     * A known limitation, pinned down: a body declared {@code application/json} that does not parse never reaches the
     * application. The SmallRye AMQP connector (4.33) decodes the body when the message arrives, fails, logs
     * SRMSG16229 and skips the message without settling it: no REJECTED event can be published, and the message is
     * not dead-lettered; it stays with the consumer, unsettled, and comes back at each reconnection (Artemis does not
     * count such returns as delivery attempts). Consumption goes on. The broker restart of the next test clears it
     * (the test broker is not persistent).
     */
    @Test
    @Order(1)
    void brokenJsonDeclaredAsJsonIsSkippedByTheConnectorAndConsumingGoesOn() throws Exception {
        String ds = PREFIX + "-after-broken";
        createDataset(config.dataRoot(), ds);
        long dlq = ArtemisTestResource.messageCount(ArtemisTestResource.DLQ);
        int journalBefore = jobs.list(null, null).size();
        String broken = client.send(BACKUP_COMMANDS, AmqpMessage.create().contentType("application/json")
                .withBufferAsBody(Buffer.buffer("{\"dataset\": ")));
        String valid = client.sendJson(BACKUP_COMMANDS, backup(ds, null));
        await().atMost(BACK).until(() -> byCorrelation(events, valid).size() == 1);
        assertEquals("SUCCEEDED", byCorrelation(events, valid).get(0).getString("status"));
        // the broken one is held, unsettled, by the service's consumer, and never became a job
        await().atMost(BACK).until(() -> ArtemisTestResource.messageCount(BACKUP_COMMANDS) == 1
                && ArtemisTestResource.deliveringCount(BACKUP_COMMANDS) == 1);
        assertTrue(jobs.list(null, null).stream().noneMatch(j -> broken.equals(j.messageId())));
        assertEquals(journalBefore + 1, jobs.list(null, null).size());
        assertEquals(dlq, ArtemisTestResource.messageCount(ArtemisTestResource.DLQ));
    }

    @Test
    @Order(2)
    void aCommandSentAfterTheBrokerCameBackIsProcessed() throws Exception {
        String ds = PREFIX + "-restart";
        createDataset(config.dataRoot(), ds);
        ArtemisTestResource.stopBroker();
        ArtemisTestResource.startBroker();
        reconnect();
        String id = client.sendJson(BACKUP_COMMANDS, backup(ds, null));
        await().atMost(BACK).until(() -> byCorrelation(events, id).size() == 1);
        assertEquals("SUCCEEDED", byCorrelation(events, id).get(0).getString("status"));
        assertEquals(0L, byCorrelation(events, id).get(0).getLong("cycle"));
    }

    @Test
    @Order(3)
    void anEventProducedWhileTheBrokerIsDownIsDeliveredWhenItIsBack() throws Exception {
        String ds = PREFIX + "-down";
        createDataset(config.dataRoot(), ds);
        String id;
        try (AutoCloseable lock = MessagingFixtures.holdDatasetLock(config.backupRoot(), ds)) {
            id = client.sendJson(BACKUP_COMMANDS, backup(ds, null));
            await().atMost(BACK).until(() -> jobs.list(ds, JobState.RUNNING).size() == 1);
            ArtemisTestResource.stopBroker();
        }
        // readiness says the broker is gone, and comes back with it
        await().atMost(BACK).until(() -> io.restassured.RestAssured.get("/q/health/ready").statusCode() == 503);
        // the job ends while the broker is down; its event waits
        await().atMost(BACK).until(() -> jobs.list(ds, JobState.SUCCEEDED).size() == 1);
        ArtemisTestResource.startBroker();
        reconnect();
        await().atMost(BACK).until(() -> io.restassured.RestAssured.get("/q/health/ready").statusCode() == 200);
        await().atMost(BACK).until(() -> byCorrelation(events, id).size() == 1);
        assertEquals("SUCCEEDED", byCorrelation(events, id).get(0).getString("status"));
        assertTrue(jobs.list(ds, null).size() == 1, "ran once");
    }
}
