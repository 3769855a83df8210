package org.aiod.backup.api;

import static org.aiod.backup.api.HttpTesting.as;
import static org.aiod.backup.api.HttpTesting.awaitFinal;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.engine.testing.TreeSnapshot;
import org.aiod.backup.engine.testing.Trees;
import org.aiod.backup.offsite.S3ProxyTesting;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Restores through the service with off-site copies on (issue #14, point 3): the backup root wiped (a new host with
 * an empty backup volume), a restore of a cycle or of the newest point in time fetches the levels from the store and
 * equals the source tree; a local archive that fails its SHA256SUMS is replaced by the off-site copy; an off-site
 * object that fails its check is refused and nothing of it is written.
 */
@QuarkusTest
@TestProfile(OffsiteProfile.class)
class OffsiteRestoreHttpTest {

    private static final String BUCKET = "service-offsite";

    @Inject
    BackupConfig config;

    @AfterAll
    static void removeDatasets() throws IOException {
        HttpTesting.removeDatasets();
    }

    /** A dataset with two levels in cycle 0, both uploaded; answers the tree of its last level. */
    private TreeSnapshot backedUpAndOffsite(String dataset) throws Exception {
        Path data = HttpTesting.freshDataset(config, dataset);
        Trees.write(data.resolve("a.bin"), Trees.randomBytes(1, 30_000));
        Trees.write(data.resolve("dir/b.txt"), "first");
        backup(dataset);
        Trees.tick(data);
        Trees.write(data.resolve("dir/b.txt"), "second, longer");
        Trees.write(data.resolve("dir/c/d.bin"), Trees.randomBytes(2, 5_000));
        Files.delete(data.resolve("a.bin"));
        backup(dataset);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonPath view = as("viewer").get("/api/datasets/" + dataset).then().statusCode(200).extract().jsonPath();
            return "uploaded".equals(view.getString("cycles[0].levels[0].offsite.status"))
                    && "uploaded".equals(view.getString("cycles[0].levels[1].offsite.status"));
        });
        return TreeSnapshot.of(data);
    }

    private void backup(String dataset) {
        String job = as("operator").body(Map.of("dataset", dataset)).post("/api/backups").then().statusCode(202)
                .extract().path("jobId");
        assertEquals("SUCCEEDED", awaitFinal(job).getString("status"));
    }

    private JsonPath restore(Map<String, Object> body) {
        String job = as("admin").body(body).post("/api/restores").then().statusCode(202).extract().path("jobId");
        return awaitFinal(job);
    }

    /** Every file of the dataset's backup directory, relative path to content. */
    private Map<String, byte[]> layout(String dataset) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        Path dir = config.backupRoot().resolve(dataset);
        if (!Files.exists(dir)) {
            return files;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(f).toString(), Files.readAllBytes(f));
            }
        }
        return files;
    }

    private static void assertSameLayout(Map<String, byte[]> expected, Map<String, byte[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, bytes) -> assertArrayEquals(bytes, actual.get(name), name));
    }

    private void wipe(String dataset) throws IOException {
        Path dir = config.backupRoot().resolve(dataset);
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        assertFalse(Files.exists(dir));
    }

    private void scramble(String dataset) throws IOException {
        Path data = config.dataRoot().resolve(dataset);
        Trees.write(data.resolve("dir/b.txt"), "changed after the backups");
        Trees.write(data.resolve("stray.txt"), "not in any backup");
    }

    @Test
    void aRestoreOnAnEmptyBackupRootFetchesItsLevelsAndEqualsTheSourceTree() throws Exception {
        String dataset = HttpTesting.uniqueName("http-fetch");
        TreeSnapshot expected = backedUpAndOffsite(dataset);
        Map<String, byte[]> local = layout(dataset);
        wipe(dataset);
        scramble(dataset);

        JsonPath job = restore(Map.of("dataset", dataset, "cycle", 0));
        assertEquals("SUCCEEDED", job.getString("status"), job.prettify());
        TreeSnapshot.of(config.dataRoot().resolve(dataset)).assertSameAs(expected, "after the restore of cycle 0");
        assertTrue(job.getList("warnings").contains("fetched from the off-site store: cycle 0 level 0 (missing, "
                + local.get(dataset + "_0/" + dataset + "0.tar.gz").length + " bytes)"), job.prettify());
        assertSameLayout(local, layout(dataset));

        // the newest point in time, on an empty backup root again: the catalog finds the cycles only off-site
        wipe(dataset);
        scramble(dataset);
        JsonPath newest = restore(Map.of("dataset", dataset, "at", Instant.now().toString()));
        assertEquals("SUCCEEDED", newest.getString("status"), newest.prettify());
        assertEquals(0, newest.getInt("cycle"));
        assertEquals(1, newest.getInt("level"));
        TreeSnapshot.of(config.dataRoot().resolve(dataset)).assertSameAs(expected, "after the restore at now");
        assertSameLayout(local, layout(dataset));
    }

    @Test
    void aCorruptLocalArchiveIsReplacedByItsOffsiteCopy() throws Exception {
        String dataset = HttpTesting.uniqueName("http-fetch-corrupt");
        TreeSnapshot expected = backedUpAndOffsite(dataset);
        Map<String, byte[]> local = layout(dataset);
        Path archive = config.backupRoot().resolve(dataset).resolve(dataset + "_0").resolve(dataset + "1.tar.gz");
        byte[] damaged = Files.readAllBytes(archive);
        damaged[damaged.length / 2] ^= 0x5a;
        Files.write(archive, damaged);
        scramble(dataset);

        JsonPath job = restore(Map.of("dataset", dataset, "cycle", 0));
        assertEquals("SUCCEEDED", job.getString("status"), job.prettify());
        TreeSnapshot.of(config.dataRoot().resolve(dataset)).assertSameAs(expected, "after the restore");
        assertTrue(job.getList("warnings").stream().anyMatch(w -> String.valueOf(w)
                .startsWith("fetched from the off-site store: cycle 0 level 1 (corrupt, ")), job.prettify());
        assertSameLayout(local, layout(dataset));
    }

    @Test
    void anOffsiteObjectThatFailsItsCheckIsRefusedAndNothingIsWritten() throws Exception {
        String dataset = HttpTesting.uniqueName("http-fetch-bad");
        backedUpAndOffsite(dataset);
        String key = "svc/" + dataset + "/" + dataset + "_0/" + dataset + "1.tar.gz";
        byte[] good = S3ProxyTesting.get(BUCKET, key);
        byte[] bad = good.clone();
        bad[bad.length / 2] ^= 0x5a;
        S3ProxyTesting.overwrite(BUCKET, key, bad);
        wipe(dataset);
        scramble(dataset);
        TreeSnapshot before = TreeSnapshot.of(config.dataRoot().resolve(dataset));

        JsonPath job = restore(Map.of("dataset", dataset, "cycle", 0));
        assertEquals("FAILED", job.getString("status"), job.prettify());
        assertEquals("OFFSITE_CORRUPT", job.getString("error.code"), job.prettify());
        assertTrue(job.getString("error.message").contains(key), job.prettify());
        assertEquals(Map.of(), layout(dataset), "nothing of the refused cycle is in the backup root");
        TreeSnapshot.of(config.dataRoot().resolve(dataset)).assertSameAs(before, "the dataset is untouched");
        Path tmp = config.stateDir().resolve("tmp").resolve(dataset);
        try (Stream<Path> left = Files.exists(tmp) ? Files.list(tmp) : Stream.empty()) {
            assertEquals(0, left.count(), "no download left in " + tmp);
        }
    }
}
