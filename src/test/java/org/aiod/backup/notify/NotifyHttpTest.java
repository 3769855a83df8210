package org.aiod.backup.notify;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.testing.PrometheusText;
import org.junit.jupiter.api.Test;

/**
 * Notifications end to end in the service, to real HTTP receivers: backups over HTTP reach a signed JSON webhook
 * (the event's fields as the job's), a Slack webhook with {@code on=problems} (only the rejected command) and a
 * healthchecks check; while a receiver holds its answer to the first job's notification, the next job runs and ends
 * (no job waits for a receiver); a webhook whose receiver is down the whole time is retried, then counted failed, and
 * the wellness check says so.
 */
@QuarkusTest
@TestProfile(NotifyHttpTest.Notifying.class)
class NotifyHttpTest {

    static final String SECRET = "webhook-secret";

    public static class Notifying implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Receivers.class));
        }
    }

    /** The receivers, and roots of its own so that no job of another test class's journal is notified. */
    public static class Receivers implements QuarkusTestResourceLifecycleManager {

        private Receiver receiver;

        @Override
        public Map<String, String> start() {
            try {
                receiver = new Receiver();
                Path run = Files.createDirectories(Path.of("target", "quarkus-test-notify", "run-" + UUID.randomUUID())
                        .toAbsolutePath());
                Files.createDirectories(run.resolve("data"));
                Files.createDirectories(run.resolve("backups"));
                return Map.ofEntries(
                        Map.entry("backup.data-root", run.resolve("data").toString()),
                        Map.entry("backup.backup-root", run.resolve("backups").toString()),
                        // four attempts, 0.2 s apart and more; a held answer is waited for up to a minute
                        Map.entry("backup.notify.attempts", "4"),
                        Map.entry("backup.notify.backoff", "200ms"),
                        Map.entry("backup.notify.timeout", "60s"),
                        Map.entry("backup.notify.webhooks.\"slow\".url", receiver.url("/slow")),
                        Map.entry("backup.notify.webhooks.\"ops\".url", receiver.url("/hook")),
                        Map.entry("backup.notify.webhooks.\"ops\".secret", SECRET),
                        Map.entry("backup.notify.webhooks.\"chat\".url", receiver.url("/chat")),
                        Map.entry("backup.notify.webhooks.\"chat\".format", "slack"),
                        Map.entry("backup.notify.webhooks.\"chat\".on", "problems"),
                        Map.entry("backup.notify.webhooks.\"down\".url", Receiver.downUrl("/down")),
                        Map.entry("backup.notify.healthchecks.\"*\".url", receiver.url("/ping/every")));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void inject(TestInjector testInjector) {
            testInjector.injectIntoFields(receiver, new TestInjector.MatchesType(Receiver.class));
        }

        @Override
        public void stop() {
            receiver.close();
        }
    }

    /** Set by {@link Receivers#inject}. */
    Receiver receiver;

    @Inject
    BackupConfig config;

    @Inject
    MeterRegistry registry;

    @Inject
    ObjectMapper json;

    @Test
    void jobEndsReachEveryTargetAndAReceiverThatIsDownDelaysNoJob() throws Exception {
        String dataset = "notify-" + UUID.randomUUID().toString().substring(0, 8);
        Path data = Files.createDirectories(config.dataRoot().resolve(dataset));
        Files.writeString(data.resolve("a.txt"), "alpha");

        CountDownLatch slowAnswers = receiver.hold("/slow");

        JsonPath first = awaitFinal(as("operator").body(Map.of("dataset", dataset)).post("/api/backups")
                .then().statusCode(202).extract().path("jobId"));
        assertEquals("SUCCEEDED", first.getString("status"), first.prettify());
        await().atMost(Duration.ofSeconds(20)).until(() -> requests("/slow").size() == 1);
        Files.writeString(data.resolve("b.txt"), "beta");
        JsonPath second = awaitFinal(as("operator").body(Map.of("dataset", dataset)).post("/api/backups")
                .then().statusCode(202).extract().path("jobId"));
        assertEquals("SUCCEEDED", second.getString("status"), second.prettify());
        // the next job ran and ended while the first one's notification still waited for its answer
        assertEquals(0.0, count("webhook/slow", "delivered"), "the slow receiver has not answered yet");
        slowAnswers.countDown();
        await().atMost(Duration.ofSeconds(20)).until(() -> count("webhook/slow", "delivered") == 2.0);

        // the signed JSON webhook: one request per job, the event's fields as the job's, the signature verifies
        await().atMost(Duration.ofSeconds(20)).until(() -> requests("/hook").size() == 2);
        for (Receiver.Request request : requests("/hook")) {
            JsonNode event = json.readTree(request.body());
            JsonPath job = first.getString("jobId").equals(event.get("jobId").asText()) ? first : second;
            for (String field : List.of("jobId", "type", "dataset", "status", "source", "archive", "queuedAt",
                    "startedAt", "finishedAt")) {
                assertEquals(job.getString(field), event.get(field).asText(), field);
            }
            for (String field : List.of("cycle", "level", "files", "bytes")) {
                assertEquals(job.getLong(field), event.get(field).asLong(), field);
            }
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            assertEquals("sha256=" + HexFormat.of().formatHex(mac.doFinal(request.body())),
                    request.header("X-Aiod-Signature"));
        }
        assertEquals(Set.of(first.getString("jobId"), second.getString("jobId")), requests("/hook").stream()
                .map(r -> jobIdOf(r.body())).collect(Collectors.toSet()));

        // healthchecks: both backups succeeded, both pinged the success URL
        await().atMost(Duration.ofSeconds(20)).until(() -> requests("/ping/every").size() == 2);

        // on=problems: the chat webhook got nothing for the two successes, and gets the rejected command
        String missing = "no-such-" + dataset;
        as("operator").body(Map.of("dataset", missing)).post("/api/backups").then().statusCode(404);
        await().atMost(Duration.ofSeconds(20)).until(() -> requests("/chat").size() == 1);
        String text = json.readTree(requests("/chat").get(0).body()).get("text").asText();
        assertTrue(text.matches("aiod-backup: backup of " + missing + " REJECTED: [A-Z_]+: .* \\[job [0-9a-f-]+\\]"), text);
        assertEquals(2, requests("/ping/every").size(), "a caller's rejected command pings no check");
        assertEquals(Set.of("/hook", "/chat", "/ping/every", "/slow"), receiver.requests().stream()
                .map(Receiver.Request::path).collect(Collectors.toSet()));

        // the down webhook: given up after its 4 attempts, for each of the three job ends; the wellness check says so
        await().atMost(Duration.ofSeconds(60)).until(() -> count("webhook/down", "failed") == 3.0);
        assertEquals(9.0, count("webhook/down", "retried"));
        assertEquals(0.0, count("webhook/down", "delivered"));
        PrometheusText metrics = PrometheusText.parse(given().get("/q/metrics").then().statusCode(200).extract()
                .asString());
        assertEquals(3.0, metrics.samples().stream().filter(s -> s.name().equals("backup_notifications_total")
                && "webhook/down".equals(s.labels().get("target")) && "failed".equals(s.labels().get("outcome")))
                .findFirst().orElseThrow().value());
        given().get("/q/health/well").then().statusCode(503)
                .body("checks.find { it.name == 'backup-notifications' }.status", is("DOWN"))
                .body("checks.find { it.name == 'backup-notifications' }.data.reason",
                        is("notifications not delivered to webhook/down (see backup_notifications_total"
                                + "{outcome=\"failed\"} and the log)"))
                .body("checks.name", hasItem("backup-disk"));
    }

    private List<Receiver.Request> requests(String path) {
        return receiver.requests().stream().filter(r -> r.path().equals(path)).toList();
    }

    private String jobIdOf(byte[] body) {
        try {
            return json.readTree(body).get("jobId").asText();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private double count(String target, String outcome) {
        Counter counter = registry.find(Deliveries.NOTIFICATIONS).tags("target", target, "outcome", outcome).counter();
        return counter == null ? -1 : counter.count();
    }

    private static RequestSpecification as(String user) {
        return given().auth().preemptive().basic(user, user).contentType(ContentType.JSON);
    }

    private static JsonPath awaitFinal(String jobId) {
        JsonPath[] job = new JsonPath[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            job[0] = as("viewer").get("/api/jobs/{id}", jobId).then().statusCode(200).extract().jsonPath();
            return Set.of("SUCCEEDED", "PARTIAL", "FAILED", "REJECTED").contains(job[0].getString("status"));
        });
        return job[0];
    }
}
