package org.aiod.backup.api;

import static org.aiod.backup.api.HttpTesting.as;
import static org.aiod.backup.api.HttpTesting.awaitFinal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** {@code GET /api/jobs/stream}: a watcher sees a job's transitions in order and its progress, with the login. */
@QuarkusTest
class JobStreamHttpTest {

    private static final String DATASET = HttpTesting.uniqueName("http-stream");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/api/jobs/stream")
    URI stream;

    @Inject
    BackupConfig config;

    @AfterAll
    static void removeDatasets() throws IOException {
        HttpTesting.removeDatasets();
    }

    /** One server-sent event: its name and its data. */
    record Event(String name, JsonNode data) {
    }

    @Test
    void aWatcherSeesABackupQueuedRunningAndSucceededWithItsProgress() throws Exception {
        Path data = HttpTesting.freshDataset(config, DATASET);
        for (int i = 0; i < 20; i++) {
            Trees.write(data.resolve("dir/f" + i), "content " + i);
        }
        HttpClient http = HttpClient.newHttpClient();
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        HttpResponse<Stream<String>> response = http.send(request("viewer:viewer"),
                HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"),
                response.headers().toString());
        Thread reader = new Thread(() -> parse(response.body(), events), "sse-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            String jobId = as("operator").body(Map.of("dataset", DATASET)).post("/api/backups").then()
                    .statusCode(202).extract().path("jobId");
            assertEquals("SUCCEEDED", awaitFinal(jobId).getString("status"));

            List<String> states = new ArrayList<>();
            List<JsonNode> progress = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!states.contains("SUCCEEDED") && System.nanoTime() < deadline) {
                Event event = events.poll(1, TimeUnit.SECONDS);
                if (event == null || !jobId.equals(event.data().path("jobId").asText())) {
                    continue;
                }
                if (event.name().equals("job")) {
                    states.add(event.data().path("status").asText());
                } else if (event.name().equals("progress")) {
                    progress.add(event.data());
                }
            }
            assertEquals(List.of("QUEUED", "RUNNING", "SUCCEEDED"), states);
            assertTrue(!progress.isEmpty(), "the first progress report of a job always gets through");
            JsonNode first = progress.get(0);
            assertEquals(DATASET, first.path("dataset").asText());
            assertEquals("BACKUP", first.path("type").asText());
            assertNotNull(first.get("filesDone"), first.toString());
        } finally {
            response.body().close();
        }
    }

    @Test
    void theStreamNeedsALogin() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(stream).timeout(Duration.ofSeconds(10))
                .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode());
        HttpResponse<String> wrong = http.send(request("viewer:wrong"), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, wrong.statusCode());
    }

    private HttpRequest request(String credentials) {
        return HttpRequest.newBuilder(stream).header("Accept", "text/event-stream")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        credentials.getBytes(StandardCharsets.UTF_8))).GET().build();
    }

    /** Reads "event:" and "data:" lines into events, one per blank line (comments ignored). */
    private static void parse(Stream<String> lines, BlockingQueue<Event> events) {
        String[] name = {null};
        StringBuilder data = new StringBuilder();
        try {
            lines.forEach(line -> {
                if (line.isEmpty()) {
                    if (name[0] != null && data.length() > 0) {
                        try {
                            events.add(new Event(name[0], JSON.readTree(data.toString())));
                        } catch (IOException e) {
                            throw new IllegalStateException("event data is not JSON: " + data, e);
                        }
                    }
                    name[0] = null;
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    name[0] = line.substring("event:".length()).trim();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring("data:".length()).trim());
                }
            });
        } catch (RuntimeException e) {
            // the stream was closed by the test
        }
    }
}
