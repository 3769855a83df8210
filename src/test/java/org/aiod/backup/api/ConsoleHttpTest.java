package org.aiod.backup.api;

import static io.restassured.RestAssured.given;
import static org.aiod.backup.api.HttpTesting.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.util.List;

import io.quarkus.test.junit.QuarkusTest;

import org.junit.jupiter.api.Test;

/**
 * The web console's server side: {@code GET /api/me} tells the console who is logged in and with which roles; the
 * console's page and its static files are served without a login (they hold no data), while the API behind them
 * still needs one.
 */
@QuarkusTest
class ConsoleHttpTest {

    @Test
    void meNamesTheCallerAndItsBackupRoles() {
        as("viewer").get("/api/me").then().statusCode(200).contentType("application/json")
                .body("name", equalTo("viewer")).body("roles", equalTo(List.of(Roles.VIEWER)));
        as("operator").get("/api/me").then().statusCode(200)
                .body("name", equalTo("operator")).body("roles", equalTo(List.of(Roles.OPERATOR)));
        as("admin").get("/api/me").then().statusCode(200)
                .body("name", equalTo("admin")).body("roles", equalTo(List.of(Roles.ADMIN)));
    }

    @Test
    void meWithoutLoginOrWithAWrongPasswordIsAProblem401() {
        given().get("/api/me").then().statusCode(401).contentType(Problem.MEDIA_TYPE)
                .body("code", equalTo("UNAUTHENTICATED"));
        given().auth().preemptive().basic("admin", "wrong").get("/api/me").then().statusCode(401)
                .contentType(Problem.MEDIA_TYPE);
    }

    @Test
    void theConsoleIsServedAtTheRootWithoutLogin() {
        given().get("/").then().statusCode(200).contentType(startsWith("text/html"))
                .body(containsString("aiod-backup")).body(containsString("app.js"));
        given().get("/app.js").then().statusCode(200).body(containsString("/api/me"));
        given().get("/console.css").then().statusCode(200);
        // the page is open, the data behind it is not
        given().get("/api/datasets").then().statusCode(401);
    }
}
