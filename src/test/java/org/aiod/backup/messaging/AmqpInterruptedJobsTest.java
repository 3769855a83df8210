package org.aiod.backup.messaging;

import static org.aiod.backup.messaging.MessagingFixtures.BACKUP_EVENTS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.aiod.backup.testing.ArtemisTestResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;

/**
 * A process died with jobs of every source running: at the next start each of them ends {@code FAILED} with code
 * {@code INTERRUPTED} and publishes its completion event on {@code backup-events}, whoever sent the command (the
 * journal alone is not an answer for a caller waiting on events).
 */
@QuarkusTest
@TestProfile(AmqpInterruptedJobsTest.Restarted.class)
class AmqpInterruptedJobsTest {

    static final Path ROOT = Path.of("target/amqp-interrupted-test").toAbsolutePath();
    /** One job per source, each RUNNING when the process died. */
    static final Map<String, String> RUNNING = Map.of(
            "http", "31111111-1111-1111-1111-111111111111",
            "amqp", "32222222-2222-2222-2222-222222222222",
            "schedule", "33333333-3333-3333-3333-333333333333",
            "cli", "34444444-4444-4444-4444-444444444444");

    public static class Restarted implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("backup.data-root", ROOT.resolve("data").toString(),
                    "backup.backup-root", ROOT.resolve("backups").toString());
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(JournalLeftByADeadProcess.class));
        }
    }

    /** Runs before the application starts: the journal a killed process leaves on disk. */
    public static class JournalLeftByADeadProcess implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            try {
                if (Files.exists(ROOT)) {
                    try (var paths = Files.walk(ROOT)) {
                        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                            Files.delete(p);
                        }
                    }
                }
                Files.createDirectories(ROOT.resolve("data/interrupted"));
                Path journal = Files.createDirectories(ROOT.resolve("backups/.aiod-backup/jobs"));
                for (var job : RUNNING.entrySet()) {
                    Files.writeString(journal.resolve(job.getValue() + ".json"), running(job.getValue(),
                            job.getKey()), StandardCharsets.UTF_8);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of();
        }

        @Override
        public void stop() {
        }

        private static String running(String id, String source) {
            String messageId = source.equals("amqp") ? "\"msg-" + id + "\"" : "null";
            return "{\"jobId\":\"" + id + "\",\"requestId\":null,\"messageId\":" + messageId + ","
                    + "\"type\":\"BACKUP\",\"dataset\":\"interrupted\",\"cycle\":null,\"level\":null,"
                    + "\"source\":\"" + source + "\",\"status\":\"RUNNING\",\"queuedAt\":\"2026-11-26T01:00:00Z\","
                    + "\"startedAt\":\"2026-11-26T01:00:01Z\",\"finishedAt\":null,\"files\":null,\"bytes\":null,"
                    + "\"archive\":null,\"error\":null,\"warnings\":[]}";
        }
    }

    @Test
    void everyJobRunningWhenTheProcessDiedPublishesAnInterruptedEventWhateverItsSource() {
        try (AmqpTestClient client = new AmqpTestClient(ArtemisTestResource.port()).connect();
                AmqpTestClient.Collector events = client.collect(BACKUP_EVENTS,
                        e -> RUNNING.containsValue(e.getString("jobId")))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> events.where(e -> true).size() >= RUNNING.size());
            for (var job : RUNNING.entrySet()) {
                List<JsonObject> mine = events.where(e -> job.getValue().equals(e.getString("jobId")));
                assertEquals(1, mine.size(), "one event for the " + job.getKey() + " job: " + mine);
                JsonObject event = mine.get(0);
                assertEquals("FAILED", event.getString("status"), event.encode());
                assertEquals(job.getKey(), event.getString("source"), event.encode());
                assertEquals("INTERRUPTED", event.getJsonObject("error").getString("code"), event.encode());
                assertNotNull(event.getString("finishedAt"), event.encode());
            }
        }
    }
}
