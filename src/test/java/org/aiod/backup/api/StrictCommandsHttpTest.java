package org.aiod.backup.api;

import static io.restassured.RestAssured.given;
import static org.aiod.backup.api.HttpTesting.as;
import static org.aiod.backup.api.HttpTesting.awaitFinal;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.engine.testing.TreeSnapshot;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Commands are read strictly: whatever the body asks that this version does not do, or says in a type it does not
 * take, is refused with a problem, and nothing is queued, journaled or changed. The case that made it matter: a
 * restore with a {@code target} answered 202 and overwrote the live dataset in place. The errors Vert.x meets before
 * REST processing (a body too large, a URI too long) are problems too.
 */
@QuarkusTest
class StrictCommandsHttpTest {

    private static final String DATASET = HttpTesting.uniqueName("strict");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    BackupConfig config;

    @TestHTTPResource("/")
    URI base;

    private static boolean backedUp;

    @AfterAll
    static void removeDatasets() throws IOException {
        HttpTesting.removeDatasets();
    }

    /** One dataset with cycle 0 level 0, changed afterwards, so that a restore in place would show. */
    @BeforeEach
    void dataset() throws IOException {
        if (!backedUp) {
            Trees.write(HttpTesting.freshDataset(config, DATASET).resolve("f.txt"), "as backed up");
            String id = as("operator").body(Map.of("dataset", DATASET)).post("/api/backups")
                    .then().statusCode(202).extract().path("jobId");
            assertEquals("SUCCEEDED", awaitFinal(id).getString("status"));
            Trees.write(config.dataRoot().resolve(DATASET).resolve("f.txt"), "changed since, must stay");
            backedUp = true;
        }
    }

    @Test
    void aRestoreWithAnUnknownFieldIsRefusedAndTheDatasetIsNotTouched() throws IOException {
        TreeSnapshot before = TreeSnapshot.of(config.dataRoot().resolve(DATASET));
        int jobs = jobsOfDataset();
        refused(as("admin").body("{\"dataset\":\"" + DATASET + "\",\"cycle\":0,\"destination\":\"/elsewhere\"}")
                .post("/api/restores"), "INVALID_BODY")
                .body("detail", containsString("unknown field 'destination'"))
                .body("detail", containsString("never ignored"));
        TreeSnapshot.of(config.dataRoot().resolve(DATASET)).assertSameAs(before, "the dataset after the refused"
                + " restore");
        assertEquals(jobs, jobsOfDataset(), "a refused command is not queued nor journaled");
    }

    @Test
    void everyMalformedCommandIsRefusedAndNothingIsQueued() {
        int jobs = jobsOfDataset();
        String ds = "\"dataset\":\"" + DATASET + "\"";
        Map<String, String> restores = Map.of(
                "{" + ds + ",\"cycle\":\"0\"}", "'cycle' must be an integer",
                "{" + ds + ",\"cycle\":0.5}", "'cycle' must be an integer",
                "{" + ds + ",\"cycle\":0,\"level\":\"0\"}", "'level' must be an integer",
                "{" + ds + ",\"cycle\":0} trailing", "not valid JSON",
                "{" + ds + ",\"cycle\":0} {}", "not valid JSON",
                "{" + ds + ",\"cycle\":0} 1", "not valid JSON",
                "{\"dataset\":5,\"cycle\":0}", "'dataset' must be a string");
        restores.forEach((body, because) -> refused(as("admin").body(body).post("/api/restores"), null)
                .body("detail", containsString(because)));
        Map<String, String> backups = Map.of(
                "{" + ds + ",\"cycle\":0}", "unknown field 'cycle'",
                "{\"dataset\":true}", "'dataset' must be a string",
                "{\"dataset\":12}", "'dataset' must be a string",
                "{" + ds + ",\"requestId\":\"" + "r".repeat(129) + "\"}", "requestId must be 1 to 128 characters",
                "{" + ds + ",\"requestId\":\"a b\"}", "requestId must be 1 to 128 characters",
                "{" + ds + ",\"requestId\":\"\"}", "requestId must be 1 to 128 characters",
                "{" + ds + ",\"requestId\":7}", "'requestId' must be a string");
        backups.forEach((body, because) -> refused(as("operator").body(body).post("/api/backups"), null)
                .body("detail", containsString(because)));
        assertEquals(jobs, jobsOfDataset(), "a refused command is not queued nor journaled");
        // the longest request id is accepted (of this run: the journal outlives runs)
        String longest = (DATASET + "-" + "r".repeat(128)).substring(0, 128);
        as("operator").body("{" + ds + ",\"requestId\":\"" + longest + "\"}").post("/api/backups").then()
                .statusCode(202);
    }

    @Test
    void errorsBeforeRestProcessingAreProblemsToo() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String admin = "Basic " + Base64.getEncoder().encodeToString("admin:admin".getBytes(StandardCharsets.UTF_8));
        byte[] large = ("{\"dataset\":\"" + DATASET + "\",\"requestId\":\"" + "x".repeat(70 * 1024) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        int jobs = jobsOfDataset();

        // a URI over 8192 characters, and one still within the HTTP decoder's line limit
        problem(http.send(HttpRequest.newBuilder(base.resolve("/api/jobs/" + "j".repeat(9000)))
                .header("Authorization", admin).GET().build(), HttpResponse.BodyHandlers.ofString()), 414,
                "URI_TOO_LONG");
        // over the documented limit (64 KiB), as its Content-Length says
        problem(http.send(HttpRequest.newBuilder(base.resolve("/api/backups")).header("Authorization", admin)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(large))
                .build(), HttpResponse.BodyHandlers.ofString()), 413, "BODY_TOO_LARGE");
        // a body sent without a length (chunked), of any size: its length is asked for
        problem(http.send(HttpRequest.newBuilder(base.resolve("/api/backups")).header("Authorization", admin)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(large)))
                .build(), HttpResponse.BodyHandlers.ofString()), 411, "LENGTH_REQUIRED");
        problem(http.send(HttpRequest.newBuilder(base.resolve("/api/backups")).header("Authorization", admin)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(("{\"dataset\":\"" + DATASET + "\"}")
                                .getBytes(StandardCharsets.UTF_8))))
                .build(), HttpResponse.BodyHandlers.ofString()), 411, "LENGTH_REQUIRED");
        // a request target that is not a valid URI (a bad percent escape, a space)
        rawProblem(base, "/api/jobs/%zz", admin, "MALFORMED_URI");
        rawProblem(base, "/api/jobs/a{b}", admin, "MALFORMED_URI");
        // a body that is not JSON
        problem(http.send(HttpRequest.newBuilder(base.resolve("/api/backups")).header("Authorization", admin)
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("dataset=x"))
                .build(), HttpResponse.BodyHandlers.ofString()), 415, "UNSUPPORTED_MEDIA_TYPE");
        assertEquals(jobs, jobsOfDataset(), "nothing was queued");
    }

    /**
     * A GET with the request target exactly as given (java.net's clients refuse to send a malformed one), answered
     * 400 with a problem of {@code code}.
     */
    private static void rawProblem(URI base, String target, String authorization, String code) throws IOException {
        String answer;
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\n"
                    + "Authorization: " + authorization + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
        String head = answer.substring(0, Math.max(0, answer.indexOf("\r\n\r\n")));
        assertTrue(head.startsWith("HTTP/1.1 400"), answer);
        assertTrue(head.toLowerCase(java.util.Locale.ROOT).contains("content-type: " + Problem.MEDIA_TYPE), answer);
        JsonNode problem = JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
        assertEquals(400, problem.path("status").asInt(), answer);
        assertEquals(code, problem.path("code").asText(), answer);
    }

    private static void problem(HttpResponse<String> response, int status, String code) throws IOException {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(Problem.MEDIA_TYPE, response.headers().firstValue("Content-Type").orElse(""),
                response.headers().toString());
        JsonNode problem = JSON.readTree(response.body());
        assertEquals(status, problem.path("status").asInt(), response.body());
        assertEquals(code, problem.path("code").asText(), response.body());
        assertTrue(problem.path("detail").isTextual(), response.body());
    }

    private static ValidatableResponse refused(io.restassured.response.Response response, String code) {
        ValidatableResponse then = response.then().statusCode(400).contentType(Problem.MEDIA_TYPE)
                .body("status", equalTo(400), "detail", notNullValue());
        return code == null ? then : then.body("code", equalTo(code));
    }

    private int jobsOfDataset() {
        List<?> jobs = as("viewer").queryParam("dataset", DATASET).get("/api/jobs").then().statusCode(200)
                .extract().jsonPath().getList("$");
        return jobs.size();
    }
}
