package org.aiod.backup.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.aiod.backup.engine.testing.Trees;
import org.aiod.backup.testing.PrometheusText;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged artifact as the service, the way the image and the README run it ({@code java -jar}, profile prod,
 * configuration from the environment): it refuses to start without credentials (for HTTP, and for its embedded
 * broker); with a hashed embedded user it starts its embedded broker, which that user (and no anonymous client)
 * logs in to, passes its self-test, runs a backup over HTTP and one over AMQP, counts it in its metrics, and with
 * {@code QUARKUS_LOG_CONSOLE_JSON_ENABLED=true} writes its console log as one JSON object per line, the job's start
 * and end lines among them with the job's id in the MDC.
 */
class ServiceJarIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path tmp;

    private ServiceJarProcess service;
    private Process process;

    @BeforeAll
    static void theArtifactIsBuilt() {
        ServiceJarProcess.jar();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void withoutCredentialsTheServiceRefusesToStart() throws Exception {
        Path out = tmp.resolve("refused.log");
        process = start(Map.of(), out);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the service stops by itself");
        assertNotEquals(0, process.exitValue());
        String log = Files.readString(out, StandardCharsets.UTF_8)
                + Files.readString(tmp.resolve(out.getFileName() + ".err"), StandardCharsets.UTF_8);
        assertTrue(log.contains("Refusing to start: nobody could call the HTTP API"), log);
    }

    /**
     * HTTP callers authenticate with OIDC, so the HTTP guard is satisfied, but no account exists for the embedded
     * broker (no embedded user, no amqp-username): it would be an open door or a useless one, so the run stops.
     */
    @Test
    void withAnEmbeddedBrokerAndNoAccountTheServiceRefusesToStart() throws Exception {
        Path out = tmp.resolve("refused-broker.log");
        process = start(Map.of(
                "QUARKUS_OIDC_TENANT_ENABLED", "true",
                "QUARKUS_OIDC_AUTH_SERVER_URL", "http://localhost:" + freePort() + "/realms/aiod",
                "QUARKUS_HTTP_PORT", Integer.toString(freePort()),
                "BACKUP_BROKER_PORT", Integer.toString(freePort())), out);
        assertTrue(process.waitFor(90, TimeUnit.SECONDS), "the service stops by itself");
        assertNotEquals(0, process.exitValue());
        String log = Files.readString(out, StandardCharsets.UTF_8)
                + Files.readString(tmp.resolve(out.getFileName() + ".err"), StandardCharsets.UTF_8);
        assertTrue(log.contains("Refusing to start: nobody could use the embedded AMQP broker"), log);
    }

    @Test
    void aBackupOverHttpWithJsonLogs() throws Exception {
        Path out = tmp.resolve("service.log");
        int port = freePort();
        int brokerPort = freePort();
        String dataset = "connectors";
        Trees.write(tmp.resolve("data").resolve(dataset).resolve("a.txt"), "alpha");
        process = start(Map.of(
                "QUARKUS_SECURITY_USERS_EMBEDDED_USERS_ADMIN", sha512Hex("admin:Quarkus:s3cret"),
                "QUARKUS_SECURITY_USERS_EMBEDDED_ROLES_ADMIN", "backup-admin",
                "QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true",
                "QUARKUS_HTTP_PORT", Integer.toString(port),
                "BACKUP_BROKER_PORT", Integer.toString(brokerPort)), out);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String base = "http://localhost:" + port;
        service.awaitStatus(http, base + "/q/health/started", 200);
        service.awaitStatus(http, base + "/q/health/ready", 200);

        HttpResponse<String> anonymous = http.send(post(base + "/api/backups", "{\"dataset\":\"" + dataset + "\"}",
                null), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode(), anonymous.body());
        HttpResponse<String> accepted = http.send(post(base + "/api/backups", "{\"dataset\":\"" + dataset + "\"}",
                "admin:s3cret"), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, accepted.statusCode(), accepted.body());
        String jobId = JSON.readTree(accepted.body()).path("jobId").asText();
        JsonNode job = null;
        for (long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos(); System.nanoTime() < deadline;) {
            job = JSON.readTree(http.send(get(base + "/api/jobs/" + jobId, "admin:s3cret"),
                    HttpResponse.BodyHandlers.ofString()).body());
            if (job.path("status").asText().equals("SUCCEEDED")) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals("SUCCEEDED", job.path("status").asText(), String.valueOf(job));
        assertTrue(Files.isRegularFile(tmp.resolve("backups/connectors/connectors_0/connectors0.tar.gz")));

        // the embedded broker: no anonymous client; the HTTP user logs in with the same (hashed) account, and a
        // command it sends is answered by an event, so the service's own links logged in as well
        assertThrows(Exception.class, () -> amqp(brokerPort, null, null));
        assertThrows(Exception.class, () -> amqp(brokerPort, "admin", "wrong"));
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            io.vertx.amqp.AmqpConnection admin = amqp(vertx, brokerPort, "admin", "s3cret");
            java.util.concurrent.CompletableFuture<String> event = new java.util.concurrent.CompletableFuture<>();
            admin.createReceiver("backup-events", new io.vertx.amqp.AmqpReceiverOptions().addCapability("queue"))
                    .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS)
                    .handler(m -> {
                        if ("amqp".equals(m.bodyAsJsonObject().getString("source"))) {
                            event.complete(m.bodyAsJsonObject().getString("status"));
                        }
                    });
            admin.createSender("backup-commands", new io.vertx.amqp.AmqpSenderOptions().addCapability("queue"))
                    .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS)
                    .sendWithAck(io.vertx.amqp.AmqpMessage.create().durable(true).withJsonObjectAsBody(
                            new io.vertx.core.json.JsonObject().put("dataset", dataset)).build())
                    .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            // the HTTP job's event may come first: wait for the one of the AMQP command
            assertEquals("SUCCEEDED", event.get(60, TimeUnit.SECONDS));
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        }

        // the packaged (prod) service serves Swagger UI, which Quarkus otherwise keeps to dev and test mode
        HttpResponse<String> swagger = http.send(get(base + "/q/swagger-ui/", null),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, swagger.statusCode(), swagger.body());
        assertTrue(swagger.body().contains("swagger-ui"), swagger.body());

        PrometheusText metrics = PrometheusText.parse(http.send(get(base + "/q/metrics", null),
                HttpResponse.BodyHandlers.ofString()).body());
        assertTrue(metrics.value("backup_last_success_timestamp_seconds", Map.of("dataset", dataset, "type",
                "backup")).isPresent(), "the last backup time is served");
        assertEquals(Optional.of(1.0), metrics.value("backup_broker_connected", Map.of("link", "commands")));
        assertEquals(Optional.of(1.0), metrics.value("backup_broker_connected", Map.of("link", "events")));

        process.destroy();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the service stops on SIGTERM");

        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                lines.add(JSON.readTree(line)); // every line of the console log is one JSON object
            }
        }
        JsonNode started = lines.stream().filter(l -> l.path("message").asText().startsWith("job " + jobId
                + " started: type=BACKUP dataset=connectors")).findFirst().orElseThrow(() -> new AssertionError(
                        "no start line in " + lines));
        assertEquals(jobId, started.path("mdc").path("jobId").asText(), started.toString());
        assertEquals(dataset, started.path("mdc").path("dataset").asText());
        assertTrue(lines.stream().anyMatch(l -> l.path("message").asText().startsWith("job " + jobId
                + " SUCCEEDED: type=BACKUP dataset=connectors cycle=0 level=0 files=1 bytes=5 durationMs=")));
    }

    /**
     * With the broker unreachable, the probes Kubernetes acts on stay up (a restart would cut running backups and
     * fix nothing): live, started and ready answer 200, only /q/health/well answers 503 naming the broker, and a
     * backup over HTTP runs.
     */
    @Test
    void withTheBrokerUnreachableOnlyWellnessIsDownAndHttpBackupsRun() throws Exception {
        Path out = tmp.resolve("no-broker.log");
        int port = freePort();
        String dataset = "mysql";
        Trees.write(tmp.resolve("data").resolve(dataset).resolve("b.txt"), "bravo");
        process = start(Map.of(
                "QUARKUS_SECURITY_USERS_EMBEDDED_USERS_ADMIN", sha512Hex("admin:Quarkus:s3cret"),
                "QUARKUS_SECURITY_USERS_EMBEDDED_ROLES_ADMIN", "backup-admin",
                "QUARKUS_HTTP_PORT", Integer.toString(port),
                // an external broker nobody answers for
                "AMQP_HOST", "localhost",
                "AMQP_PORT", Integer.toString(freePort())), out);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String base = "http://localhost:" + port;
        service.awaitStatus(http, base + "/q/health/started", 200);
        service.awaitStatus(http, base + "/q/health/ready", 200);
        assertEquals(200, http.send(get(base + "/q/health/live", null), HttpResponse.BodyHandlers.discarding())
                .statusCode());
        HttpResponse<String> well = http.send(get(base + "/q/health/well", null),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(503, well.statusCode(), well.body());
        JsonNode broker = null;
        for (JsonNode check : JSON.readTree(well.body()).path("checks")) {
            if (check.path("name").asText().equals("amqp-broker")) {
                broker = check;
            }
        }
        assertTrue(broker != null && broker.path("status").asText().equals("DOWN")
                && broker.path("data").path("reason").asText().contains("AMQP broker"), well.body());

        HttpResponse<String> accepted = http.send(post(base + "/api/backups", "{\"dataset\":\"" + dataset + "\"}",
                "admin:s3cret"), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, accepted.statusCode(), accepted.body());
        String jobId = JSON.readTree(accepted.body()).path("jobId").asText();
        JsonNode job = null;
        for (long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos(); System.nanoTime() < deadline;) {
            job = JSON.readTree(http.send(get(base + "/api/jobs/" + jobId, "admin:s3cret"),
                    HttpResponse.BodyHandlers.ofString()).body());
            if (job.path("status").asText().equals("SUCCEEDED")) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals("SUCCEEDED", job.path("status").asText(), String.valueOf(job));
        assertTrue(Files.isRegularFile(tmp.resolve("backups/mysql/mysql_0/mysql0.tar.gz")));
        // still alive and ready after the job, with the broker still away
        assertEquals(200, http.send(get(base + "/q/health/live", null), HttpResponse.BodyHandlers.discarding())
                .statusCode());
        assertEquals(200, http.send(get(base + "/q/health/ready", null), HttpResponse.BodyHandlers.discarding())
                .statusCode());
        PrometheusText metrics = PrometheusText.parse(http.send(get(base + "/q/metrics", null),
                HttpResponse.BodyHandlers.ofString()).body());
        assertEquals(Optional.of(0.0), metrics.value("backup_broker_connected", Map.of("link", "commands")));
        assertEquals(Optional.of(0.0), metrics.value("backup_broker_connected", Map.of("link", "events")));

        // the artifact's main lets a malformed request target reach the API, which answers it with a problem
        try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
            socket.getOutputStream().write("GET /api/jobs/%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 400") && answer.contains("application/problem+json")
                    && answer.contains("\"MALFORMED_URI\""), answer);
        }
    }

    /** Connects to the broker on {@code port} (no credentials when {@code user} is null); closes at once. */
    private static void amqp(int port, String user, String password) throws Exception {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            amqp(vertx, port, user, password);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
    }

    private static io.vertx.amqp.AmqpConnection amqp(io.vertx.core.Vertx vertx, int port, String user,
            String password) throws Exception {
        io.vertx.amqp.AmqpClientOptions options = new io.vertx.amqp.AmqpClientOptions().setHost("localhost")
                .setPort(port).setConnectTimeout(5000).setReconnectAttempts(0);
        if (user != null) {
            options.setUsername(user).setPassword(password);
        }
        return io.vertx.amqp.AmqpClient.create(vertx, options).connect().toCompletionStage().toCompletableFuture()
                .get(20, TimeUnit.SECONDS);
    }

    /**
     * A backup that cannot read some files (mode 000; as root the service runs without the capabilities that bypass
     * it) ends {@code PARTIAL}, not {@code SUCCEEDED}: its level is committed, its view (the body of its event) lists
     * what it missed, its log says which, and the metrics count the files and the partial job.
     */
    @Test
    void aBackupMissingUnreadableFilesEndsPartialAndSaysWhat() throws Exception {
        Path out = tmp.resolve("partial.log");
        int port = freePort();
        Path dataset = tmp.resolve("data").resolve("connectors");
        Trees.write(dataset.resolve("a.txt"), "alpha");
        Trees.chmod(Trees.write(dataset.resolve("keys/private.key"), "secret"), "---------");
        int brokerPort = freePort();
        process = start(Map.of(
                "QUARKUS_SECURITY_USERS_EMBEDDED_USERS_ADMIN", sha512Hex("admin:Quarkus:s3cret"),
                "QUARKUS_SECURITY_USERS_EMBEDDED_ROLES_ADMIN", "backup-admin",
                "QUARKUS_HTTP_PORT", Integer.toString(port),
                "BACKUP_BROKER_PORT", Integer.toString(brokerPort)), out, true);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String base = "http://localhost:" + port;
        service.awaitStatus(http, base + "/q/health/ready", 200);
        // the completion event, as an AMQP subscriber receives it
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        java.util.concurrent.CompletableFuture<io.vertx.core.json.JsonObject> event =
                new java.util.concurrent.CompletableFuture<>();
        amqp(vertx, brokerPort, "admin", "s3cret").createReceiver("backup-events",
                new io.vertx.amqp.AmqpReceiverOptions().addCapability("queue"))
                .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS)
                .handler(m -> event.complete(m.bodyAsJsonObject()));
        HttpResponse<String> accepted = http.send(post(base + "/api/backups", "{\"dataset\":\"connectors\"}",
                "admin:s3cret"), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, accepted.statusCode(), accepted.body());
        String jobId = JSON.readTree(accepted.body()).path("jobId").asText();
        JsonNode job = null;
        for (long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos(); System.nanoTime() < deadline;) {
            job = JSON.readTree(http.send(get(base + "/api/jobs/" + jobId, "admin:s3cret"),
                    HttpResponse.BodyHandlers.ofString()).body());
            if (!job.path("finishedAt").isNull()) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals("PARTIAL", job.path("status").asText(), String.valueOf(job));
        assertEquals(1, job.path("missed").path("total").asLong(), String.valueOf(job));
        assertEquals("keys/private.key", job.path("missed").path("files").path(0).path("path").asText());
        assertEquals("permission denied", job.path("missed").path("files").path(0).path("reason").asText());
        assertEquals(1, job.path("files").asLong(), String.valueOf(job));
        assertTrue(Files.isRegularFile(tmp.resolve("backups/connectors/connectors_0/connectors0.tar.gz")));
        try {
            io.vertx.core.json.JsonObject body = event.get(30, TimeUnit.SECONDS);
            assertEquals("PARTIAL", body.getString("status"), body.encode());
            assertEquals(1, body.getJsonObject("missed").getLong("total"), body.encode());
            assertEquals("keys/private.key", body.getJsonObject("missed").getJsonArray("files").getJsonObject(0)
                    .getString("path"), body.encode());
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        }

        PrometheusText metrics = PrometheusText.parse(http.send(get(base + "/q/metrics", null),
                HttpResponse.BodyHandlers.ofString()).body());
        assertEquals(1.0, metrics.valueOrZero("backup_files_not_taken_total", Map.of("dataset", "connectors")));
        assertEquals(1.0, metrics.valueOrZero("backup_jobs_total", Map.of("dataset", "connectors", "type", "backup",
                "status", "partial")));
        String log = Files.readString(out, StandardCharsets.UTF_8);
        assertTrue(log.contains("job " + jobId + " PARTIAL: type=BACKUP dataset=connectors cycle=0 level=0 files=1"),
                log);
        assertTrue(log.contains("job " + jobId + " not taken: path=\"keys/private.key\" reason=\"permission denied\""),
                log);
    }

    private Process start(Map<String, String> env, Path out) throws Exception {
        return start(env, out, false);
    }

    /** {@code unprivileged}: without root's power to read any file, see {@link ServiceJarProcess.Launch#unprivileged}. */
    private Process start(Map<String, String> env, Path out, boolean unprivileged) throws Exception {
        ServiceJarProcess.Launch launch = ServiceJarProcess.in(tmp).env(env);
        if (unprivileged) {
            launch.unprivileged();
        }
        service = launch.start(out);
        return service.process();
    }

    private static HttpRequest get(String url, String credentials) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
        if (credentials != null) {
            b.header("Authorization", basic(credentials));
        }
        return b.build();
    }

    private static HttpRequest post(String url, String json, String credentials) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (credentials != null) {
            b.header("Authorization", basic(credentials));
        }
        return b.build();
    }

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    private static String sha512Hex(String text) throws Exception {
        return ServiceJarProcess.sha512Hex(text);
    }

    private static int freePort() throws IOException {
        return ServiceJarProcess.freePort();
    }
}
