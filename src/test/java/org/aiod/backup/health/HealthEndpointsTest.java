package org.aiod.backup.health;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;

import org.aiod.backup.config.BackupConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The three probes over HTTP, unauthenticated: each is 200 with this service's named checks up, and SmallRye Reactive
 * Messaging's own checks (channels alive, broker connected) sit beside them.
 */
@QuarkusTest
class HealthEndpointsTest {

    @Inject
    BackupConfig config;

    @BeforeEach
    void dataRootExists() throws IOException {
        Files.createDirectories(config.dataRoot());
    }

    @Test
    void startedOnceTheSelfTestPassed() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().when().get("/q/health/started").then()
                .statusCode(200)
                .body("status", is("UP"))
                .body("checks.find { it.name == 'self-test' }.status", is("UP"))
                .body("checks.find { it.name == 'self-test' }.data.status", is("PASSED")));
    }

    @Test
    void liveWithTheWorkerPoolAndTheMessagingChannels() {
        given().when().get("/q/health/live").then()
                .statusCode(200)
                .body("status", is("UP"))
                .body("checks.find { it.name == 'worker-pool' }.status", is("UP"))
                .body("checks.name", hasItem(containsString("Reactive Messaging")));
    }

    @Test
    void readyWithBothRootsAndTheBroker() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().when().get("/q/health/ready").then()
                .statusCode(200)
                .body("status", is("UP"))
                .body("checks.find { it.name == 'backup-root' }.status", is("UP"))
                .body("checks.find { it.name == 'data-root' }.status", is("UP"))
                .body("checks.name", hasItem(containsString("Reactive Messaging"))));
    }
}
