package org.aiod.backup.notify;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.aiod.backup.config.NotifyConfig.Format;
import org.aiod.backup.config.NotifyConfig.When;
import org.aiod.backup.job.ErrorCode;
import org.aiod.backup.job.Job;
import org.aiod.backup.job.JobError;
import org.aiod.backup.job.JobSource;
import org.aiod.backup.job.JobState;
import org.aiod.backup.job.JobType;
import org.aiod.backup.job.MissedFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The notifier against real HTTP receivers on free ports: what each kind of target receives (the event JSON, the
 * Slack line, the HMAC signature, the healthchecks success and fail paths), which job ends are sent, retries after
 * 5xx answers and a receiver that is down, and the counts of {@code backup_notifications_total}.
 */
class NotifierTest {

    /** As Quarkus configures its ObjectMapper for the service: ISO-8601 instants. */
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<AutoCloseable> open = new ArrayList<>();

    /** The PARTIAL job of JobEventTest, whose event JSON that test pins. */
    private static final Job PARTIAL = new Job("3f0c2a4e-5d7b-4c1e-9a63-0b8f2d9e7c41", "nightly-1", "msg-1",
            JobType.BACKUP, "connectors", 2L, 3, JobSource.AMQP, JobState.PARTIAL,
            Instant.parse("2026-11-26T09:15:02.118204Z"), Instant.parse("2026-11-26T09:15:02.120511Z"),
            Instant.parse("2026-11-26T09:15:09.734092Z"), 1342L, 73400320L,
            "/backups/connectors/connectors_2/connectors3.tar.gz", null, List.of("a warning"),
            new MissedFiles(2, List.of(new MissedFiles.File("keys/private.key", "permission denied"))));
    /** The completion event of {@link #PARTIAL} on {@code backup-events}, as JobEventTest pins it. */
    private static final String PARTIAL_EVENT = "{\"jobId\":\"3f0c2a4e-5d7b-4c1e-9a63-0b8f2d9e7c41\",\"requestId\":\"nightly-1\","
            + "\"type\":\"BACKUP\",\"dataset\":\"connectors\",\"cycle\":2,\"level\":3,\"source\":\"amqp\","
            + "\"status\":\"PARTIAL\",\"queuedAt\":\"2026-11-26T09:15:02.118204Z\","
            + "\"startedAt\":\"2026-11-26T09:15:02.120511Z\",\"finishedAt\":\"2026-11-26T09:15:09.734092Z\","
            + "\"files\":1342,\"bytes\":73400320,\"archive\":\"/backups/connectors/connectors_2/connectors3.tar.gz\","
            + "\"error\":null,\"warnings\":[\"a warning\"],\"missed\":{\"total\":2,\"files\":[{\"path\":"
            + "\"keys/private.key\",\"reason\":\"permission denied\"}]}}";

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
    }

    @Test
    void aJsonWebhookReceivesTheCompletionEventAsBackupEventsCarriesIt() throws Exception {
        Receiver receiver = receiver();
        Notifier notifier = notifier(3, Duration.ofMillis(10),
                List.of(Target.webhook("ops", receiver.url("/hook"), Format.JSON, null, When.ALL)), Map.of());

        notifier.finished(PARTIAL);

        Receiver.Request request = awaitRequests(receiver, 1).get(0);
        assertEquals("POST", request.method());
        assertEquals("/hook", request.path());
        assertEquals("application/json", request.header("Content-Type"));
        assertEquals(PARTIAL_EVENT, request.text(), "the body is the event of backup-events, byte for byte");
        assertNull(request.header(Messages.SIGNATURE_HEADER), "no secret, no signature");
        await().until(() -> count("webhook/ops", "delivered") == 1.0);
    }

    @Test
    void aSlackWebhookReceivesOneLineWithDatasetTypeStatusDurationAndError() throws Exception {
        Receiver receiver = receiver();
        Notifier notifier = notifier(3, Duration.ofMillis(10),
                List.of(Target.webhook("chat", receiver.url("/slack"), Format.SLACK, null, When.ALL)), Map.of());
        Job failed = new Job("0b8f2d9e-7c41-4c1e-9a63-3f0c2a4e5d7b", null, null, JobType.BACKUP, "mysql", 4L, 0,
                JobSource.SCHEDULE, JobState.FAILED, Instant.parse("2026-11-26T02:00:00Z"),
                Instant.parse("2026-11-26T02:00:01Z"), Instant.parse("2026-11-26T02:00:13.400Z"), null, null, null,
                new JobError(ErrorCode.LOCK_TIMEOUT, "dataset <mysql> & co is locked"), List.of(), null);

        notifier.finished(failed);

        Receiver.Request request = awaitRequests(receiver, 1).get(0);
        assertEquals("application/json", request.header("Content-Type"));
        JsonNode body = json.readTree(request.body());
        assertEquals(Set.of("text"), fieldNames(body));
        assertEquals("aiod-backup: backup of mysql FAILED after 12.4 s (cycle 4, level 0): LOCK_TIMEOUT: dataset"
                + " &lt;mysql&gt; &amp; co is locked [job 0b8f2d9e-7c41-4c1e-9a63-3f0c2a4e5d7b]",
                body.get("text").asText());
    }

    @Test
    void aSignedWebhookCarriesTheHmacSha256OfTheBytesItSent() throws Exception {
        Receiver receiver = receiver();
        String secret = "correct horse battery staple";
        Notifier notifier = notifier(3, Duration.ofMillis(10), List.of(
                Target.webhook("signed", receiver.url("/json"), Format.JSON, secret, When.ALL),
                Target.webhook("signed-chat", receiver.url("/slack"), Format.SLACK, secret, When.ALL)), Map.of());

        notifier.finished(PARTIAL);

        for (Receiver.Request request : awaitRequests(receiver, 2)) {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal(request.body()));
            assertEquals(expected, request.header("X-Aiod-Signature"), request.path());
            mac.init(new SecretKeySpec("another secret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            assertFalse(("sha256=" + HexFormat.of().formatHex(mac.doFinal(request.body())))
                    .equals(request.header("X-Aiod-Signature")), "another key does not verify");
        }
    }

    @Test
    void aReceiverAnswering500TwiceIsRetriedAndDeliveredOnce() throws Exception {
        Receiver receiver = receiver().answer(500, 503);
        Notifier notifier = notifier(5, Duration.ofMillis(20),
                List.of(Target.webhook("flaky", receiver.url("/hook"), Format.JSON, null, When.ALL)), Map.of());

        notifier.finished(PARTIAL);

        await().until(() -> count("webhook/flaky", "delivered") == 1.0);
        assertEquals(3, receiver.requests().size(), "two refused attempts and the delivered one");
        for (Receiver.Request request : receiver.requests()) {
            assertEquals(PARTIAL_EVENT, request.text(), "every attempt sends the same body");
        }
        assertEquals(2.0, count("webhook/flaky", "retried"));
        assertEquals(0.0, count("webhook/flaky", "failed"));
        assertEquals(Map.of(), notifier.deliveries().failing());
        assertEquals(0, notifier.deliveries().pending());
    }

    @Test
    void aReceiverThatIsDownIsRetriedThenCountedFailedAndShownUntilADeliverySucceeds() throws Exception {
        Receiver later = receiver();
        Notifier notifier = notifier(3, Duration.ofMillis(10),
                List.of(Target.webhook("down", Receiver.downUrl("/secret-token"), Format.JSON, null, When.ALL)),
                Map.of());
        assertEquals(0.0, count("webhook/down", "failed"), "counters exist at 0 before any notification");

        long before = System.nanoTime();
        notifier.finished(PARTIAL);
        assertTrue(System.nanoTime() - before < Duration.ofSeconds(1).toNanos(), "the caller does not wait");

        await().until(() -> count("webhook/down", "failed") == 1.0);
        assertEquals(2.0, count("webhook/down", "retried"), "three attempts in all");
        assertEquals(0.0, count("webhook/down", "delivered"));
        Deliveries.Failure failure = notifier.deliveries().failing().get("webhook/down");
        assertTrue(failure != null && failure.job().startsWith(PARTIAL.jobId()), "the failure names the job: " + failure);
        assertEquals(0, notifier.deliveries().pending());
        assertFalse(failure.reason().contains("secret-token"), "no URL path in what is shown: " + failure.reason());
        assertEquals(0, later.requests().size());
    }

    @Test
    void onProblemsSendsNothingForASucceededJob() throws Exception {
        Receiver everything = receiver();
        Receiver problems = receiver();
        Notifier notifier = notifier(3, Duration.ofMillis(10), List.of(
                Target.webhook("all", everything.url("/all"), Format.JSON, null, When.ALL),
                Target.webhook("problems", problems.url("/problems"), Format.JSON, null, When.PROBLEMS)), Map.of());
        Job succeeded = job("ok", JobType.BACKUP, "db", JobSource.SCHEDULE, JobState.SUCCEEDED);
        Job rejected = job("bad", JobType.RESTORE, "db", JobSource.HTTP, JobState.REJECTED);

        notifier.finished(succeeded);
        notifier.finished(PARTIAL);
        notifier.rejected(rejected);

        awaitRequests(everything, 3);
        await().until(() -> count("webhook/problems", "delivered") == 2.0);
        assertEquals(Set.of("PARTIAL", "REJECTED"), problems.requests().stream()
                .map(r -> readStatus(r.body())).collect(Collectors.toSet()));
        assertEquals(Set.of("SUCCEEDED", "PARTIAL", "REJECTED"), everything.requests().stream()
                .map(r -> readStatus(r.body())).collect(Collectors.toSet()));
        assertEquals(0, notifier.deliveries().pending(), "nothing else is on its way");
    }

    @Test
    void healthchecksPingTheSuccessUrlOrFailForBackupsOfTheirDataset() throws Exception {
        Receiver receiver = receiver();
        Notifier notifier = notifier(3, Duration.ofMillis(10), List.of(), Map.of(
                "db", Target.healthcheck("db", receiver.url("/ping/db-uuid")),
                "*", Target.healthcheck("*", receiver.url("/ping/every-uuid/"))));

        notifier.finished(job("j1", JobType.BACKUP, "db", JobSource.SCHEDULE, JobState.SUCCEEDED));
        notifier.finished(job("j2", JobType.BACKUP, "web", JobSource.SCHEDULE, JobState.FAILED));
        notifier.finished(job("j3", JobType.BACKUP, "db", JobSource.HTTP, JobState.PARTIAL));
        notifier.finished(job("j4", JobType.VERIFY, "db", JobSource.SCHEDULE, JobState.SUCCEEDED));
        notifier.rejected(job("j5", JobType.BACKUP, "nonsense", JobSource.HTTP, JobState.REJECTED));
        notifier.rejected(job("j6", JobType.BACKUP, "gone", JobSource.SCHEDULE, JobState.REJECTED));
        notifier.finished(job("j7", JobType.BACKUP, "web", JobSource.SCHEDULE, JobState.SUCCEEDED));

        awaitRequests(receiver, 5);
        await().until(() -> count("healthchecks/db", "delivered") + count("healthchecks/*", "delivered") == 5.0);
        assertEquals(0, notifier.deliveries().pending(), "the verify and the caller's rejected backup do not ping");
        Map<String, String> pathByJob = receiver.requests().stream().collect(Collectors.toMap(
                r -> r.text().replaceAll(".*\\[job (\\w+)\\]$", "$1"), Receiver.Request::path));
        assertEquals(Map.of("j1", "/ping/db-uuid", "j2", "/ping/every-uuid/fail", "j3", "/ping/db-uuid/fail",
                "j6", "/ping/every-uuid/fail", "j7", "/ping/every-uuid/"), pathByJob);
        Receiver.Request first = receiver.requests().stream().filter(r -> r.path().equals("/ping/db-uuid"))
                .findFirst().orElseThrow();
        assertEquals("POST", first.method());
        assertTrue(first.header("Content-Type").startsWith("text/plain"), first.header("Content-Type"));
        assertEquals("aiod-backup: backup of db SUCCEEDED after 2.5 s [job j1]", first.text());
    }

    @Test
    void theLineOfARejectedCommandHasNoRunTimeAndSaysWhenItNamedNoDataset() {
        Job rejected = new Job("r1", null, null, JobType.RESTORE, null, null, null, JobSource.HTTP,
                JobState.REJECTED, Instant.parse("2026-11-26T02:00:00Z"), null, Instant.parse("2026-11-26T02:00:00Z"),
                null, null, null, new JobError(ErrorCode.UNKNOWN_DATASET, "no dataset given"), List.of(), null);
        assertEquals("aiod-backup: restore of (no dataset) REJECTED: UNKNOWN_DATASET: no dataset given [job r1]",
                Messages.line(rejected));
        assertEquals("aiod-backup: backup of connectors PARTIAL after 7.6 s (cycle 2, level 3), 2 file(s) not taken"
                + " [job 3f0c2a4e-5d7b-4c1e-9a63-0b8f2d9e7c41]", Messages.line(PARTIAL));
    }

    @Test
    void theFailUrlFollowsThePathAndKeepsTheQuery() {
        assertEquals(URI.create("https://hc-ping.com/abc/fail"), Notifier.failUrl(URI.create("https://hc-ping.com/abc")));
        assertEquals(URI.create("https://hc-ping.com/abc/fail"), Notifier.failUrl(URI.create("https://hc-ping.com/abc/")));
        assertEquals(URI.create("http://hc:8000/ping/k/db/fail?create=1"),
                Notifier.failUrl(URI.create("http://hc:8000/ping/k/db?create=1")));
    }

    @Test
    void aUrlThatIsNoHttpUrlIsRefusedNamingThePropertyNotTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Target.webhook("ops", "ftp://host/token-123", Format.JSON, null, When.ALL));
        assertEquals("backup.notify.webhooks.\"ops\".url must be an absolute http or https URL with a host",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Target.healthcheck("db", "hc-ping.com/uuid"));
        assertThrows(IllegalArgumentException.class,
                () -> new Deliveries(0, Duration.ofSeconds(1), Duration.ofSeconds(1), registry));
    }

    private Notifier notifier(int attempts, Duration backoff, List<Target> webhooks, Map<String, Target> checks) {
        Deliveries deliveries = new Deliveries(attempts, backoff, Duration.ofSeconds(5), registry);
        open.add(deliveries::close);
        return new Notifier(webhooks, checks, new Messages(json), deliveries);
    }

    private Receiver receiver() throws Exception {
        Receiver receiver = new Receiver();
        open.add(receiver);
        return receiver;
    }

    private static List<Receiver.Request> awaitRequests(Receiver receiver, int count) {
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requests().size() >= count);
        List<Receiver.Request> requests = receiver.requests();
        assertEquals(count, requests.size(), "requests received");
        return requests;
    }

    private double count(String target, String outcome) {
        var counter = registry.find(Deliveries.NOTIFICATIONS).tags("target", target, "outcome", outcome).counter();
        return counter == null ? -1 : counter.count();
    }

    private String readStatus(byte[] body) {
        try {
            return json.readTree(body).get("status").asText();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new java.util.TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Job job(String id, JobType type, String dataset, JobSource source, JobState status) {
        Instant queued = Instant.parse("2026-11-26T02:00:00Z");
        boolean ran = status != JobState.REJECTED;
        return new Job(id, null, null, type, dataset, null, null, source, status, queued,
                ran ? queued.plusMillis(500) : null, queued.plusSeconds(3), null, null, null,
                status == JobState.SUCCEEDED ? null : new JobError(ErrorCode.INTERNAL_ERROR, "it went wrong"), List.of(),
                null);
    }
}
