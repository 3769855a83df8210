package org.aiod.backup.messaging;

import static org.aiod.backup.messaging.MessagingFixtures.BACKUP_COMMANDS;
import static org.aiod.backup.messaging.MessagingFixtures.BACKUP_EVENTS;
import static org.aiod.backup.messaging.MessagingFixtures.backup;
import static org.aiod.backup.messaging.MessagingFixtures.createDataset;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.testing.ArtemisTestResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/**
 * Fifty backup commands over three datasets, sent back to back: every job succeeds, each dataset's jobs run in the
 * order their messages were sent, and the levels and cycles on disk are what the cycle rule gives.
 */
@QuarkusTest
class AmqpManyCommandsTest {

    private static final int COMMANDS = 50;
    private static final String PREFIX = MessagingFixtures.uniquePrefix("mqmany");

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
    void fiftyCommandsOverThreeDatasetsKeepTheirOrder() throws Exception {
        List<String> datasets = List.of(PREFIX + "-a", PREFIX + "-b", PREFIX + "-c");
        for (String ds : datasets) {
            createDataset(config.dataRoot(), ds);
        }
        Map<String, String> datasetOf = new HashMap<>();
        Map<String, Integer> sendIndex = new HashMap<>();
        for (int i = 0; i < COMMANDS; i++) {
            String ds = datasets.get(i % datasets.size());
            String id = client.sendJson(BACKUP_COMMANDS, backup(ds, null));
            datasetOf.put(id, ds);
            sendIndex.put(id, i);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> events.received.size() >= COMMANDS);
        assertEquals(COMMANDS, events.received.size(), "one event per command");

        int n = config.cycleLength();
        for (String ds : datasets) {
            List<JsonObject> mine = new ArrayList<>(events.where(e -> ds.equals(e.getString("dataset"))));
            assertTrue(mine.stream().allMatch(e -> "SUCCEEDED".equals(e.getString("status"))), mine.toString());
            mine.sort(Comparator.comparing(e -> Instant.parse(e.getString("finishedAt"))));
            int count = (int) IntStream.range(0, COMMANDS).filter(i -> datasets.get(i % 3).equals(ds)).count();
            assertEquals(count, mine.size());
            for (int k = 0; k < mine.size(); k++) {
                JsonObject e = mine.get(k);
                assertEquals(ds, datasetOf.get(e.getString(AmqpTestClient.CORRELATION_ID)));
                assertEquals((long) (k / n), e.getLong("cycle"), ds + " #" + k + " cycle");
                assertEquals(k % n, e.getInteger("level"), ds + " #" + k + " level");
                if (k > 0) {
                    JsonObject before = mine.get(k - 1);
                    assertTrue(Instant.parse(before.getString("finishedAt"))
                            .isBefore(Instant.parse(e.getString("finishedAt"))), "finishedAt strictly increasing");
                    assertTrue(sendIndex.get(before.getString(AmqpTestClient.CORRELATION_ID))
                            < sendIndex.get(e.getString(AmqpTestClient.CORRELATION_ID)), "run in send order");
                }
            }
            // on disk: cycles 0..last, each full but the last, levels numbered from 0
            int lastCycle = (count - 1) / n;
            assertEquals(IntStream.rangeClosed(0, lastCycle).mapToObj(c -> (long) c).toList(),
                    MessagingFixtures.cycles(config.backupRoot(), ds));
            for (int c = 0; c <= lastCycle; c++) {
                int levels = c < lastCycle ? n : count - lastCycle * n;
                List<String> expected = IntStream.range(0, levels).mapToObj(l -> ds + l + ".tar.gz").sorted().toList();
                assertEquals(expected, MessagingFixtures.levelFiles(config.backupRoot(), ds, c), ds + " cycle " + c);
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> ArtemisTestResource.messageCount(BACKUP_COMMANDS) == 0);
    }
}
