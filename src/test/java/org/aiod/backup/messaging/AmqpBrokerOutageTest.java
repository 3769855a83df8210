package org.aiod.backup.messaging;

import static org.aiod.backup.messaging.MessagingFixtures.BACKUP_COMMANDS;
import static org.aiod.backup.messaging.MessagingFixtures.BACKUP_EVENTS;
import static org.aiod.backup.messaging.MessagingFixtures.backup;
import static org.aiod.backup.messaging.MessagingFixtures.byCorrelation;
import static org.aiod.backup.messaging.MessagingFixtures.createDataset;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.restassured.RestAssured.get;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.job.JobService;
import org.aiod.backup.job.JobState;
import org.aiod.backup.testing.ArtemisTestResource;
import org.aiod.backup.testing.PrometheusText;
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
 * delivered once it is back. Meanwhile only wellness (and the gauge) says so: live, ready and started stay up, and
 * HTTP backups run. Also the one bad command the application never sees. The test broker is not persistent:
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
        // this class's datasets, and rejections of bodies that named none
        events = client.collect(BACKUP_EVENTS, e -> e.getString("dataset") == null
                || e.getString("dataset").startsWith(PREFIX));
    }

    /**
     * A body sent as {@code application/json} that is not JSON is rejected like any other bad command: a REJECTED
     * event says why, the message is dead-lettered, and consuming goes on. (The SmallRye AMQP connector would have
     * decoded it itself and dropped it unsettled; the command receiver hands every body over raw.)
     */
    @Test
    @Order(1)
    void brokenJsonDeclaredAsJsonIsRejectedAndDeadLettered() throws Exception {
        String ds = PREFIX + "-after-broken";
        createDataset(config.dataRoot(), ds);
        long dlq = ArtemisTestResource.messageCount(ArtemisTestResource.DLQ);
        String broken = client.send(BACKUP_COMMANDS, AmqpMessage.create().contentType("application/json")
                .withBufferAsBody(Buffer.buffer("{\"dataset\": ")));
        String valid = client.sendJson(BACKUP_COMMANDS, backup(ds, null));
        await().atMost(BACK).until(() -> byCorrelation(events, broken).size() == 1
                && byCorrelation(events, valid).size() == 1);
        assertEquals("REJECTED", byCorrelation(events, broken).get(0).getString("status"));
        assertEquals("INVALID_COMMAND", byCorrelation(events, broken).get(0).getJsonObject("error").getString("code"));
        assertEquals("SUCCEEDED", byCorrelation(events, valid).get(0).getString("status"));
        await().atMost(BACK).until(() -> ArtemisTestResource.messageCount(ArtemisTestResource.DLQ) == dlq + 1);
        await().atMost(BACK).until(() -> ArtemisTestResource.messageCount(BACKUP_COMMANDS) == 0);
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
        // from a settled connection: the previous test restarted the broker, and both links are back before this
        // outage begins (an outage a few milliseconds after a reconnect is another case, see the closing notes)
        await().atMost(BACK).until(() -> get("/q/health/well").statusCode() == 200);
        String id;
        try (AutoCloseable lock = MessagingFixtures.holdDatasetLock(config.backupRoot(), ds)) {
            id = client.sendJson(BACKUP_COMMANDS, backup(ds, null));
            await().atMost(BACK).until(() -> jobs.list(ds, JobState.RUNNING).size() == 1);
            ArtemisTestResource.stopBroker();
            // the job ends only once the service has seen the broker go: its event is produced while the broker is
            // down (one sent while the connection is dying is another case, not this test's)
            await().atMost(BACK).until(() -> Boolean.FALSE.equals(get("/q/health/well").jsonPath()
                    .get("checks.find { it.name == 'amqp-broker' }.data.events")));
        }
        // wellness says the broker is gone, and comes back with it; the probes Kubernetes acts on stay up
        get("/q/health/well").then().body("checks.find { it.name == 'amqp-broker' }.status", is("DOWN"))
                .body("checks.find { it.name == 'amqp-broker' }.data.commands", is(false))
                .body("checks.find { it.name == 'amqp-broker' }.data.reason",
                        containsString("not connected to the AMQP broker"));
        get("/q/health/live").then().statusCode(200);
        get("/q/health/ready").then().statusCode(200);
        get("/q/health/started").then().statusCode(200);
        assertEquals(Optional.of(0.0), PrometheusText.parse(get("/q/metrics").asString())
                .value("backup_broker_connected", Map.of("link", "commands")));
        // the job ends while the broker is down; its event waits
        await().atMost(BACK).until(() -> jobs.list(ds, JobState.SUCCEEDED).size() == 1);
        // and a backup asked over HTTP runs meanwhile
        String overHttp = PREFIX + "-http";
        createDataset(config.dataRoot(), overHttp);
        given().auth().preemptive().basic("operator", "operator").contentType("application/json")
                .body("{\"dataset\":\"" + overHttp + "\"}").post("/api/backups").then().statusCode(202);
        await().atMost(BACK).until(() -> jobs.list(overHttp, JobState.SUCCEEDED).size() == 1);
        assertTrue(get("/q/health/well").statusCode() == 503, "the broker is still down");
        ArtemisTestResource.startBroker();
        await().atMost(BACK).until(() -> get("/q/health/well").statusCode() == 200);
        assertEquals(Optional.of(1.0), PrometheusText.parse(get("/q/metrics").asString())
                .value("backup_broker_connected", Map.of("link", "commands")));
        // the reader comes back once the service's events link is back, not at the same instant: both creating the
        // address of the restarted (empty) broker at once is a race of the test's making, seen to lose the event
        await().atMost(BACK).until(() -> PrometheusText.parse(get("/q/metrics").asString())
                .value("backup_broker_connected", Map.of("link", "events")).equals(Optional.of(1.0)));
        reconnect();
        await().atMost(BACK).until(() -> byCorrelation(events, id).size() == 1);
        assertEquals("SUCCEEDED", byCorrelation(events, id).get(0).getString("status"));
        assertTrue(jobs.list(ds, null).size() == 1, "ran once");
    }
}
