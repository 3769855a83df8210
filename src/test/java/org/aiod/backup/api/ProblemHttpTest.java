package org.aiod.backup.api;

import static io.restassured.RestAssured.given;
import static org.aiod.backup.api.HttpTesting.as;
import static org.aiod.backup.api.HttpTesting.awaitFinal;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.equalToIgnoringCase;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.Map;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Every error answer is application/problem+json with a status that fits; security; what stays open. */
@QuarkusTest
class ProblemHttpTest {

    private static final String DATASET = HttpTesting.uniqueName("http-problems");

    @Inject
    BackupConfig config;

    @AfterAll
    static void removeDatasets() throws IOException {
        HttpTesting.removeDatasets();
    }

    private static boolean backedUp;

    /** One dataset with cycle 0 level 0, made once for the class. */
    @BeforeEach
    void dataset() throws IOException {
        if (!backedUp) {
            Trees.write(HttpTesting.freshDataset(config, DATASET).resolve("f.txt"), "content");
            String id = as("operator").body(Map.of("dataset", DATASET)).post("/api/backups")
                    .then().statusCode(202).extract().path("jobId");
            assertEquals("SUCCEEDED", awaitFinal(id).getString("status"));
            backedUp = true;
        }
    }

    @Test
    void malformedJsonIs400() {
        problem(as("operator").body("{\"dataset\": ").post("/api/backups"), 400, "MALFORMED_JSON")
                .body("detail", startsWith("the body is not valid JSON"), "jobId", nullValue());
        problem(as("admin").body("[1, 2]").post("/api/restores"), 400, "INVALID_BODY")
                .body("detail", equalTo("the body must be a JSON object"));
    }

    @Test
    void wrongTypesAre400() {
        problem(as("admin").body("{\"dataset\":\"" + DATASET + "\",\"cycle\":\"abc\"}").post("/api/restores"), 400,
                "INVALID_BODY").body("detail", equalTo("'cycle' must be an integer"));
        problem(as("admin").body("{\"dataset\":\"" + DATASET + "\",\"cycle\":0,\"level\":99999999999}")
                .post("/api/restores"), 400, "INVALID_BODY").body("detail", startsWith("'level': "));
        problem(as("operator").body("{\"dataset\":{\"a\":1}}").post("/api/backups"), 400, "INVALID_BODY")
                .body("detail", equalTo("'dataset' must be a string"));
    }

    @Test
    void invalidCommandsAre400AndJournaledAsRejected() {
        String id = problem(as("operator").body(Map.of("dataset", "../etc")).post("/api/backups"), 400,
                "INVALID_DATASET").body("jobId", notNullValue()).extract().path("jobId");
        as("viewer").get("/api/jobs/{id}", id).then().statusCode(200)
                .body("status", equalTo("REJECTED"), "error.code", equalTo("INVALID_DATASET"), "source",
                        equalTo("http"));
        problem(as("admin").body(Map.of("dataset", DATASET, "cycle", -1)).post("/api/restores"), 400,
                "INVALID_COMMAND");
        problem(as("admin").body(Map.of("dataset", DATASET, "cycle", 0, "level", -2)).post("/api/restores"), 400,
                "INVALID_COMMAND");
        problem(as("admin").body(Map.of("dataset", DATASET)).post("/api/restores"), 400, "INVALID_COMMAND")
                .body("detail", containsString("cycle is required"));
        problem(as("operator").body(Map.of("requestId", "x")).post("/api/backups"), 400, "INVALID_COMMAND");
        // a command's fields are checked before anything is looked up, as over AMQP (AmqpBadCommandsTest): a
        // restore without a cycle is invalid whether or not its dataset exists
        problem(as("admin").body(Map.of("dataset", "no-such-dataset")).post("/api/restores"), 400,
                "INVALID_COMMAND").body("detail", equalTo("cycle is required for a restore"));
        problem(as("operator").post("/api/backups"), 400, "INVALID_COMMAND")
                .body("detail", equalTo("a JSON body is required"));
    }

    @Test
    void namesThatDoNotExistAre404() {
        problem(as("operator").body(Map.of("dataset", "no-such-dataset")).post("/api/backups"), 404,
                "UNKNOWN_DATASET").body("instance", startsWith("/api/jobs/"));
        problem(as("admin").body(Map.of("dataset", "no-such-dataset", "cycle", 0)).post("/api/restores"), 404,
                "UNKNOWN_DATASET");
        problem(as("admin").body(Map.of("dataset", DATASET, "cycle", 9)).post("/api/restores"), 404,
                "NO_SUCH_CYCLE");
        problem(as("admin").body(Map.of("dataset", DATASET, "cycle", 0, "level", 5)).post("/api/restores"), 404,
                "NO_SUCH_LEVEL");
        problem(as("viewer").get("/api/jobs/{id}", "no-such-job"), 404, "UNKNOWN_JOB")
                .body("instance", equalTo("/api/jobs/no-such-job"));
        problem(as("viewer").get("/api/datasets/{name}", "no-such-dataset"), 404, "UNKNOWN_DATASET");
    }

    @Test
    void otherRequestErrorsAreProblemsToo() {
        problem(as("viewer").queryParam("status", "SLEEPING").get("/api/jobs"), 400, "INVALID_STATUS");
        problem(given().auth().preemptive().basic("operator", "operator").contentType(ContentType.TEXT)
                .body("dataset=x").post("/api/backups"), 415, "UNSUPPORTED_MEDIA_TYPE");
        problem(as("viewer").delete("/api/jobs"), 405, "METHOD_NOT_ALLOWED");
    }

    @Test
    void withoutCredentialsIs401WithAChallenge() {
        problem(given().contentType(ContentType.JSON).body(Map.of("dataset", DATASET)).post("/api/backups"), 401,
                "UNAUTHENTICATED").header("WWW-Authenticate", equalToIgnoringCase("basic realm=\"aiod-backup\""));
        problem(given().get("/api/jobs"), 401, "UNAUTHENTICATED");
        problem(given().get("/api/datasets"), 401, "UNAUTHENTICATED");
        problem(given().auth().preemptive().basic("admin", "wrong").get("/api/jobs"), 401, "UNAUTHENTICATED")
                .header("WWW-Authenticate", equalToIgnoringCase("basic realm=\"aiod-backup\""));
        problem(given().auth().preemptive().basic("nobody", "nobody").get("/api/jobs"), 401, "UNAUTHENTICATED");
    }

    @Test
    void aRoleTooLowIs403() {
        problem(as("viewer").body(Map.of("dataset", DATASET)).post("/api/backups"), 403, "FORBIDDEN");
        problem(as("viewer").body(Map.of("dataset", DATASET, "cycle", 0)).post("/api/restores"), 403, "FORBIDDEN");
        problem(as("operator").body(Map.of("dataset", DATASET, "cycle", 0)).post("/api/restores"), 403,
                "FORBIDDEN");
        // the role check comes before the body is read: a malformed body from a viewer is still 403
        problem(as("viewer").body("{").post("/api/backups"), 403, "FORBIDDEN");
    }

    @Test
    void everyRoleMayRead() {
        for (String user : new String[] {"viewer", "operator", "admin"}) {
            as(user).get("/api/jobs").then().statusCode(200);
            as(user).get("/api/datasets").then().statusCode(200);
            as(user).get("/api/datasets/{name}", DATASET).then().statusCode(200);
        }
    }

    @Test
    void healthMetricsAndOpenApiAreOpen() {
        given().get("/q/health/live").then().statusCode(not(equalTo(401)));
        given().get("/q/metrics").then().statusCode(200);
        given().accept(ContentType.JSON).get("/q/openapi").then().statusCode(200)
                .body("paths.'/api/backups'.post.summary", equalTo("Back up a dataset"),
                        "paths.'/api/restores'.post.summary", equalTo("Restore a dataset"),
                        "paths.'/api/jobs'.get.summary", equalTo("List jobs"),
                        "paths.'/api/jobs/{id}'.get.summary", equalTo("Get a job"),
                        "paths.'/api/datasets'.get.summary", equalTo("List datasets"),
                        "paths.'/api/datasets/{name}'.get.summary", equalTo("Get a dataset"),
                        "components.schemas.Problem", notNullValue(),
                        // the answers both commands share, declared once on the resource, reach each operation
                        "paths.'/api/backups'.post.responses.keySet()", hasItems("200", "202", "400", "404", "409", "503"),
                        "paths.'/api/restores'.post.responses.keySet()", hasItems("200", "202", "400", "404", "409", "503"),
                        "paths.'/api/restores'.post.responses.'503'.headers", hasKey("Retry-After"));
    }

    private static ValidatableResponse problem(io.restassured.response.Response response, int status, String code) {
        return response.then().statusCode(status)
                .contentType(Problem.MEDIA_TYPE)
                .body("status", equalTo(status), "code", equalTo(code),
                        "type", equalTo("urn:aiod-backup:problem:" + code.toLowerCase().replace('_', '-')),
                        "title", notNullValue(), "detail", notNullValue(), "instance", notNullValue());
    }
}
