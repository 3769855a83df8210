package org.aiod.backup.api;

import static org.aiod.backup.api.HttpTesting.as;
import static org.aiod.backup.api.HttpTesting.awaitFinal;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.engine.Engine;
import org.aiod.backup.engine.EngineOptions;
import org.aiod.backup.engine.ProgressListener;
import org.aiod.backup.engine.testing.TreeSnapshot;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A restore's options over HTTP, on the service's real directories: a target (allowed by default beside the data
 * root, refused elsewhere), a point in time across a cycle boundary, a dry run whose plan the real restore follows.
 */
@QuarkusTest
class RestoreOptionsHttpTest {

    @Inject
    BackupConfig config;

    private static final List<Path> TARGETS = new ArrayList<>();

    @AfterAll
    static void removeDatasets() throws IOException {
        HttpTesting.removeDatasets();
        for (Path target : TARGETS) {
            Trees.deleteRecursively(target);
        }
    }

    /** {@code restore} beside the data root: the default of backup.restore.allowed-targets. */
    private Path restoreRoot() {
        return config.dataRoot().toAbsolutePath().normalize().getParent().resolve("restore");
    }

    private Path target(String name) {
        Path target = restoreRoot().resolve(name);
        TARGETS.add(target);
        return target;
    }

    @Test
    void aTargetRestoreEqualsTheInPlaceOneAndLeavesTheDatasetUntouched() throws IOException {
        String ds = HttpTesting.uniqueName("http-target");
        Path data = HttpTesting.freshDataset(config, ds);
        Trees.write(data.resolve("a.txt"), "alpha");
        Trees.write(data.resolve("sub/b.bin"), Trees.randomBytes(2, 50_000));
        Trees.symlink(data.resolve("sub/link"), "../a.txt");
        backup(ds);
        Trees.tick(config.dataRoot().getParent());
        Trees.write(data.resolve("a.txt"), "alpha, live");
        Files.delete(data.resolve("sub/b.bin"));
        TreeSnapshot live = TreeSnapshot.of(data);

        Path target = target(ds + "-copy");
        JsonPath done = restore(Map.of("dataset", ds, "cycle", 0, "target", target.toString()));
        assertEquals("SUCCEEDED", done.getString("status"), done.prettify());
        assertEquals(target.toString(), done.getString("options.target"), "the job echoes the target");
        assertEquals(0, done.getInt("level"));
        TreeSnapshot.of(data).assertSameAs(live, "the dataset after a restore into a target");

        JsonPath inPlace = restore(Map.of("dataset", ds, "cycle", 0));
        assertEquals("SUCCEEDED", inPlace.getString("status"), inPlace.prettify());
        assertFalse(inPlace.getMap("").containsKey("options"), "a restore without options has no options field");
        TreeSnapshot.assertSameTree(data, target, "target restore vs in-place restore of the same level");

        // a non-empty target again: refused unless overwrite, then replaced
        Trees.write(target.resolve("extra.txt"), "not in the level");
        JsonPath refused = restore(Map.of("dataset", ds, "cycle", 0, "target", target.toString()));
        assertEquals("FAILED", refused.getString("status"));
        assertEquals("TARGET_NOT_EMPTY", refused.getString("error.code"));
        assertTrue(Files.exists(target.resolve("extra.txt")));
        JsonPath overwritten = restore(Map.of("dataset", ds, "cycle", 0, "target", target.toString(),
                "overwrite", true));
        assertEquals("SUCCEEDED", overwritten.getString("status"), overwritten.prettify());
        TreeSnapshot.assertSameTree(data, target, "the overwritten target");
    }

    @Test
    void aTargetOutsideTheAllowedDirectoriesIsA403AndWritesNothing() throws IOException {
        String ds = HttpTesting.uniqueName("http-notallowed");
        Path data = HttpTesting.freshDataset(config, ds);
        Trees.write(data.resolve("a.txt"), "alpha");
        backup(ds);
        TreeSnapshot before = TreeSnapshot.of(data);
        Path outside = config.dataRoot().toAbsolutePath().normalize().getParent().resolve("outside-" + ds);
        TARGETS.add(outside);

        Response refused = as("admin").body(Map.of("dataset", ds, "cycle", 0, "target", outside.toString()))
                .post("/api/restores");
        refused.then().statusCode(403).contentType(Problem.MEDIA_TYPE)
                .body("code", equalTo("TARGET_NOT_ALLOWED"), "jobId", notNullValue(),
                        "detail", containsString("backup.restore.allowed-targets"));
        assertFalse(Files.exists(outside, java.nio.file.LinkOption.NOFOLLOW_LINKS), "nothing written");
        as("viewer").get("/api/jobs/{id}", refused.path("jobId").toString()).then().statusCode(200)
                .body("status", equalTo("REJECTED"), "error.code", equalTo("TARGET_NOT_ALLOWED"));

        // a symlink inside the allowed directory does not lead out of it
        Files.createDirectories(outside);
        Path escape = target("escape-" + ds);
        Files.createDirectories(escape.getParent());
        Files.createSymbolicLink(escape, outside);
        as("admin").body(Map.of("dataset", ds, "cycle", 0, "target", escape.resolve("x").toString()))
                .post("/api/restores").then().statusCode(403).body("code", equalTo("TARGET_NOT_ALLOWED"));
        try (Stream<Path> files = Files.list(outside)) {
            assertEquals(0, files.count(), "nothing written through the link");
        }
        // the form of a target is checked for every source: relative or with '..' is a bad request
        as("admin").body(Map.of("dataset", ds, "cycle", 0, "target", "restore/x")).post("/api/restores").then()
                .statusCode(400).body("code", equalTo("INVALID_PATH"));
        as("admin").body(Map.of("dataset", ds, "cycle", 0, "target", restoreRoot() + "/../etc")).post("/api/restores")
                .then().statusCode(400).body("code", equalTo("INVALID_PATH"));
        TreeSnapshot.of(data).assertSameAs(before, "the dataset after refused restores");
    }

    @Test
    void atPicksTheLastLevelCompletedByThenAcrossACycleBoundaryAndTheJobSaysWhich() throws IOException {
        String ds = HttpTesting.uniqueName("http-at");
        Path data = HttpTesting.freshDataset(config, ds);
        // cycles of two levels, written by an engine of its own on the service's roots (same locks)
        Engine engine = new Engine(EngineOptions.defaults(config.dataRoot(), config.backupRoot())
                .withStateDir(config.stateDir()).withCycleLength(2));
        List<TreeSnapshot> trees = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Trees.write(data.resolve("state.json"), "{\"offset\": " + i + "}");
            Trees.write(data.resolve("level" + i + ".txt"), "before backup " + i);
            engine.backup(ds, ProgressListener.NONE);
            trees.add(TreeSnapshot.of(data));
            Trees.tick(config.dataRoot().getParent());
        }
        Instant t = Instant.parse("2026-11-30T00:00:00Z");
        completedAt(ds, 0, 0, t);
        completedAt(ds, 0, 1, t.plus(Duration.ofHours(1)));
        completedAt(ds, 1, 0, t.plus(Duration.ofHours(2)));

        JsonPath inCycle0 = restore(Map.of("dataset", ds, "at", "2026-11-30T01:30:00Z"));
        assertEquals("SUCCEEDED", inCycle0.getString("status"), inCycle0.prettify());
        assertEquals(0, inCycle0.getInt("cycle"));
        assertEquals(1, inCycle0.getInt("level"));
        assertEquals("2026-11-30T01:30:00Z", inCycle0.getString("options.at"));
        TreeSnapshot.of(data).assertSameAs(trees.get(1), "at 01:30: cycle 0 level 1");

        JsonPath boundary = restore(Map.of("dataset", ds, "at", "2026-11-30T03:00:00+01:00"));
        assertEquals("SUCCEEDED", boundary.getString("status"), boundary.prettify());
        assertEquals(1, boundary.getInt("cycle"));
        assertEquals(0, boundary.getInt("level"));
        TreeSnapshot.of(data).assertSameAs(trees.get(2), "at 02:00Z: the next cycle's level 0");

        as("admin").body(Map.of("dataset", ds, "at", "2026-11-29T23:59:59Z")).post("/api/restores").then()
                .statusCode(404).body("code", equalTo("NO_LEVEL_AT"), "detail",
                        containsString("its earliest, cycle 0 level 0, was completed at 2026-11-30T00:00:00Z"));
        as("admin").body(Map.of("dataset", ds, "cycle", 0, "at", "2026-11-30T01:30:00Z")).post("/api/restores")
                .then().statusCode(400).body("code", equalTo("INVALID_COMMAND"), "detail",
                        containsString("at is instead of cycle and level"));
        as("admin").body(Map.of("dataset", ds, "at", "yesterday")).post("/api/restores").then().statusCode(400)
                .body("code", equalTo("INVALID_COMMAND"));
        TreeSnapshot.of(data).assertSameAs(trees.get(2), "refused restores change nothing");

        // the same request id again: the same job, though it names no cycle and its job recorded one
        String requestId = "at-" + UUID.randomUUID();
        Map<String, Object> body = Map.of("dataset", ds, "at", "2026-11-30T01:30:00Z", "requestId", requestId);
        String first = as("admin").body(body).post("/api/restores").then().statusCode(202).extract().path("jobId");
        awaitFinal(first);
        as("admin").body(body).post("/api/restores").then().statusCode(200).body("jobId", equalTo(first));
        as("admin").body(Map.of("dataset", ds, "at", "2026-11-30T01:31:00Z", "requestId", requestId))
                .post("/api/restores").then().statusCode(409).body("code", equalTo("REQUEST_ID_CONFLICT"));
    }

    @Test
    void aDryRunChangesNothingAndTheRestoreThatFollowsDoesExactlyItsPlan() throws IOException {
        String ds = HttpTesting.uniqueName("http-dryrun");
        Path data = HttpTesting.freshDataset(config, ds);
        Trees.write(data.resolve("keep.txt"), "kept");
        Trees.write(data.resolve("change.txt"), "before");
        Trees.write(data.resolve("gone/deleted.txt"), "deleted after the backup");
        backup(ds);
        Trees.tick(config.dataRoot().getParent());
        Trees.write(data.resolve("change.txt"), "after the backup, longer");
        Trees.deleteRecursively(data.resolve("gone"));
        Trees.write(data.resolve("new/added.txt"), "added after the backup");
        Trees.write(data.resolve("new/other.txt"), "also added");
        TreeSnapshot before = TreeSnapshot.of(data);

        JsonPath dry = restore(Map.of("dataset", ds, "cycle", 0, "dryRun", true));
        assertEquals("SUCCEEDED", dry.getString("status"), dry.prettify());
        assertEquals(true, dry.getBoolean("options.dryRun"));
        TreeSnapshot.of(data).assertSameAs(before, "the dataset after a dry run");
        assertEquals(List.of("gone/deleted.txt"), dry.getList("plan.create.paths"));
        assertEquals(List.of("change.txt"), dry.getList("plan.replace.paths"));
        assertEquals(List.of("new/added.txt", "new/other.txt"), dry.getList("plan.delete.paths"));
        assertEquals(1, dry.getInt("plan.create.count"));
        assertEquals("deleted after the backup".length(), dry.getInt("plan.create.bytes"));
        assertEquals(1, dry.getInt("plan.unchanged"));
        assertEquals(1, dry.getInt("plan.directoriesToCreate"));
        assertEquals(1, dry.getInt("plan.directoriesToDelete"));
        assertEquals(0, dry.getInt("files"));

        Set<String> beforeFiles = files(data);
        JsonPath real = restore(Map.of("dataset", ds, "cycle", 0));
        assertEquals("SUCCEEDED", real.getString("status"), real.prettify());
        Set<String> afterFiles = files(data);
        Set<String> created = new HashSet<>(afterFiles);
        created.removeAll(beforeFiles);
        Set<String> deleted = new HashSet<>(beforeFiles);
        deleted.removeAll(afterFiles);
        assertEquals(Set.copyOf(dry.getList("plan.create.paths")), created, "created as planned");
        assertEquals(Set.copyOf(dry.getList("plan.delete.paths")), deleted, "deleted as planned");
        assertEquals("before", Files.readString(data.resolve("change.txt")), "replaced as planned");

        // the same dry run again finds nothing to do
        JsonPath again = restore(Map.of("dataset", ds, "cycle", 0, "dryRun", true));
        assertEquals(0, again.getInt("plan.create.count") + again.getInt("plan.replace.count")
                + again.getInt("plan.delete.count"), again.prettify());
    }

    @Test
    void optionsAreReadAsStrictlyAsTheRestOfTheBody() throws IOException {
        String ds = HttpTesting.uniqueName("http-strict-opts");
        Trees.write(HttpTesting.freshDataset(config, ds).resolve("a"), "a");
        for (String bad : List.of("\"overwrite\":\"true\"", "\"dryRun\":1", "\"paths\":\"a\"", "\"paths\":[1]",
                "\"target\":[\"/x\"]", "\"at\":1700000000")) {
            as("admin").body("{\"dataset\":\"" + ds + "\",\"cycle\":0," + bad + "}").post("/api/restores").then()
                    .statusCode(400).contentType(Problem.MEDIA_TYPE).body("code", equalTo("INVALID_BODY"));
        }
        as("viewer").queryParam("dataset", ds).get("/api/jobs").then().statusCode(200).body("size()", equalTo(0));
    }

    private static Set<String> files(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> !Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .map(p -> root.relativize(p).toString()).collect(java.util.stream.Collectors.toSet());
        }
    }

    private void completedAt(String ds, long cycle, int level, Instant time) throws IOException {
        Path archive = config.backupRoot().resolve(ds).resolve(ds + "_" + cycle).resolve(ds + level + ".tar.gz");
        Files.setLastModifiedTime(archive, FileTime.from(time));
    }

    private static void backup(String ds) {
        String id = as("operator").body(Map.of("dataset", ds)).post("/api/backups").then().statusCode(202)
                .extract().path("jobId");
        JsonPath done = awaitFinal(id);
        assertEquals("SUCCEEDED", done.getString("status"), done.prettify());
    }

    private static JsonPath restore(Map<String, Object> body) {
        Response accepted = as("admin").body(body).post("/api/restores");
        accepted.then().statusCode(202).body("type", equalTo("RESTORE"));
        return awaitFinal(accepted.path("jobId"));
    }
}
