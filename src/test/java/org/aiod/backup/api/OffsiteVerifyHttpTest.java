package org.aiod.backup.api;

import static org.aiod.backup.api.HttpTesting.as;
import static org.aiod.backup.api.HttpTesting.awaitFinal;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.engine.testing.Trees;
import org.aiod.backup.offsite.S3ProxyTesting;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A {@code checksums} verify with off-site copies on (issue #14, point 4) also checks each uploaded level's objects
 * in the store: a missing object, or an archive of another size or SHA-256 than the local SHA256SUMS lists, fails the
 * verify with VERIFY_FAILED naming the object.
 */
@QuarkusTest
@TestProfile(OffsiteProfile.class)
class OffsiteVerifyHttpTest {

    private static final String BUCKET = "service-offsite";

    @Inject
    BackupConfig config;

    @AfterAll
    static void removeDatasets() throws IOException {
        HttpTesting.removeDatasets();
    }

    private void backup(String dataset) {
        String job = as("operator").body(Map.of("dataset", dataset)).post("/api/backups").then().statusCode(202)
                .extract().path("jobId");
        assertEquals("SUCCEEDED", awaitFinal(job).getString("status"));
    }

    private JsonPath verify(String dataset) {
        String job = as("operator").body(Map.of("dataset", dataset, "depth", "checksums")).post("/api/verifications")
                .then().statusCode(202).extract().path("jobId");
        return awaitFinal(job);
    }

    @Test
    void aVerifyFailsOnAnOffsiteObjectMissingOrWrongAndNamesIt() throws Exception {
        String dataset = HttpTesting.uniqueName("http-offsite-verify");
        Path data = HttpTesting.freshDataset(config, dataset);
        Trees.write(data.resolve("a.bin"), Trees.randomBytes(5, 20_000));
        backup(dataset);
        Trees.write(data.resolve("b.bin"), Trees.randomBytes(6, 20_000));
        backup(dataset);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonPath view = as("viewer").get("/api/datasets/" + dataset).then().statusCode(200).extract().jsonPath();
            return "uploaded".equals(view.getString("cycles[0].levels[0].offsite.status"))
                    && "uploaded".equals(view.getString("cycles[0].levels[1].offsite.status"));
        });
        JsonPath good = verify(dataset);
        assertEquals("SUCCEEDED", good.getString("status"), good.prettify());

        String level0 = "svc/" + dataset + "/" + dataset + "_0/" + dataset + "0.tar.gz";
        String level1 = "svc/" + dataset + "/" + dataset + "_0/" + dataset + "1.tar.gz";
        S3ProxyTesting.delete(BUCKET, level0);
        byte[] other = S3ProxyTesting.get(BUCKET, level1);
        other[other.length / 2] ^= 0x21;
        S3ProxyTesting.overwrite(BUCKET, level1, other); // same size, no sha256 metadata: as a store's damage
        JsonPath bad = verify(dataset);
        assertEquals("FAILED", bad.getString("status"), bad.prettify());
        assertEquals("VERIFY_FAILED", bad.getString("error.code"), bad.prettify());
        String message = bad.getString("error.message");
        assertTrue(message.contains("off-site object " + level0 + " of cycle 0 level 0 is missing"), message);
        assertTrue(message.contains("off-site object " + level1 + " has sha256 null"), message);
        // the local archives are fine: the per-level results say so
        assertEquals("[OK, OK]", bad.getList("verify.levels.status").toString(), bad.prettify());
    }
}
