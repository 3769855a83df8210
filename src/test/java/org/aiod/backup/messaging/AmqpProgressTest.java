package org.aiod.backup.messaging;

import static org.aiod.backup.messaging.MessagingFixtures.BACKUP_COMMANDS;
import static org.aiod.backup.messaging.MessagingFixtures.BACKUP_EVENTS;
import static org.aiod.backup.messaging.MessagingFixtures.backup;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.engine.testing.Trees;
import org.aiod.backup.testing.ArtemisTestResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A running backup's progress on {@code backup-progress}: its fields, at most one a second per job. */
@QuarkusTest
class AmqpProgressTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String PREFIX = MessagingFixtures.uniquePrefix("mqprog");

    @Inject
    BackupConfig config;

    static AmqpTestClient client;
    static AmqpTestClient.Collector progress;
    static AmqpTestClient.Collector events;

    @BeforeAll
    static void connect() {
        client = new AmqpTestClient(ArtemisTestResource.port()).connect();
        progress = client.subscribe("backup-progress", j -> j.getString("dataset", "").startsWith(PREFIX));
        events = client.collect(BACKUP_EVENTS, j -> j.getString("dataset", "").startsWith(PREFIX));
    }

    @AfterAll
    static void disconnect() {
        progress.close();
        events.close();
        client.close();
    }

    @Test
    void aRunningBackupReportsItsProgressAtMostOnceASecond() throws Exception {
        String ds = PREFIX + "-big";
        Path dir = Files.createDirectories(config.dataRoot().resolve(ds));
        // enough incompressible content that the backup runs for more than a second on any machine of ours
        for (int i = 0; i < 6; i++) {
            Trees.write(dir.resolve("part" + i + ".bin"), Trees.randomBytes(i, 16 * 1024 * 1024));
        }
        for (int i = 0; i < 500; i++) {
            Trees.write(dir.resolve("small/f" + i), "small " + i);
        }
        String requestId = "prog-" + UUID.randomUUID();
        client.sendJson(BACKUP_COMMANDS, backup(ds, requestId));
        await().atMost(WAIT).until(() -> events.received.stream()
                .anyMatch(e -> requestId.equals(e.getString("requestId"))));
        JsonObject done = events.received.stream().filter(e -> requestId.equals(e.getString("requestId")))
                .findFirst().orElseThrow();
        assertEquals("SUCCEEDED", done.getString("status"), done.encodePrettily());
        String jobId = done.getString("jobId");

        List<JsonObject> reports = progress.received.stream().filter(p -> jobId.equals(p.getString("jobId")))
                .toList();
        assertFalse(reports.isEmpty(), "a job's first progress report is always published");
        for (JsonObject report : reports) {
            assertEquals("BACKUP", report.getString("type"));
            assertEquals(ds, report.getString("dataset"));
            for (String field : List.of("phase", "filesDone", "bytesDone", "bytesPerSecond", "estimated", "at")) {
                assertTrue(report.containsKey(field), field + " in " + report.encode());
            }
            assertTrue(report.getLong("filesDone") <= done.getLong("files"), report.encode());
        }
        for (int i = 1; i < reports.size(); i++) {
            Duration gap = Duration.between(Instant.parse(reports.get(i - 1).getString("at")),
                    Instant.parse(reports.get(i).getString("at")));
            // published at most once a second; a report's time is taken a moment before its publication
            assertTrue(gap.toMillis() >= 900, "reports " + (i - 1) + " and " + i + " are " + gap + " apart");
        }
    }
}
