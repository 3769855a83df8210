package org.aiod.backup.health;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.testing.PrometheusText;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The probes over HTTP, unauthenticated: each is 200 with this service's named checks up. The broker connection is
 * in the wellness group only, never in live, ready or started (SmallRye Reactive Messaging's own checks are off).
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
    void liveWithTheWorkerPoolAndNothingOfTheBroker() {
        given().when().get("/q/health/live").then()
                .statusCode(200)
                .body("status", is("UP"))
                .body("checks.find { it.name == 'worker-pool' }.status", is("UP"))
                .body("checks.name", not(hasItem(containsString("Reactive Messaging"))))
                .body("checks.name", not(hasItem(containsString("amqp"))));
        given().when().get("/q/health/started").then()
                .body("checks.name", not(hasItem(containsString("Reactive Messaging"))));
    }

    @Test
    void readyWithBothRootsAndTheJournalAndNothingOfTheBroker() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().when().get("/q/health/ready").then()
                .statusCode(200)
                .body("status", is("UP"))
                .body("checks.find { it.name == 'backup-root' }.status", is("UP"))
                .body("checks.find { it.name == 'data-root' }.status", is("UP"))
                .body("checks.find { it.name == 'journal' }.status", is("UP"))
                .body("checks.name", not(hasItem(containsString("Reactive Messaging"))))
                .body("checks.name", not(hasItem(containsString("amqp")))));
    }

    @Test
    void wellWithBothBrokerLinksConnectedAndTheirGauges() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().when().get("/q/health/well").then()
                .statusCode(200)
                .body("status", is("UP"))
                .body("checks.find { it.name == 'amqp-broker' }.status", is("UP"))
                .body("checks.find { it.name == 'amqp-broker' }.data.commands", is(true))
                .body("checks.find { it.name == 'amqp-broker' }.data.events", is(true)));
        PrometheusText metrics = PrometheusText.parse(given().get("/q/metrics").then().statusCode(200).extract()
                .asString());
        assertEquals(Optional.of(1.0), metrics.value("backup_broker_connected", Map.of("link", "commands")));
        assertEquals(Optional.of(1.0), metrics.value("backup_broker_connected", Map.of("link", "events")));
    }

    @Test
    void wellHasTheBackupDiskCheckAndItsGaugesAreServed() throws IOException {
        given().when().get("/q/health/well").then()
                .body("checks.find { it.name == 'backup-disk' }.status", is("UP"))
                .body("checks.find { it.name == 'backup-disk' }.data.warnFreeBytes", is(1 << 30));
        PrometheusText metrics = PrometheusText.parse(given().get("/q/metrics").then().statusCode(200).extract()
                .asString());
        double free = metrics.value("backup_root_free_bytes", Map.of()).orElseThrow();
        long actual = Files.getFileStore(config.backupRoot()).getUsableSpace();
        assertTrue(Math.abs(free - actual) < 64L * 1024 * 1024, free + " vs " + actual);
        assertEquals(Optional.of((double) (1L << 30)), metrics.value("backup_root_warn_free_bytes", Map.of()));
    }
}
