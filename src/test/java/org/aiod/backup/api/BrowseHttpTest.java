package org.aiod.backup.api;

import static io.restassured.RestAssured.given;
import static org.aiod.backup.api.HttpTesting.as;
import static org.aiod.backup.api.HttpTesting.awaitFinal;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Browse and download over HTTP: {@code GET .../cycles/{c}/levels/{l}/tree} for viewers, {@code .../file} for admins
 * only, problems for what is not there. Two levels written by the service; the engine's own tests cover chains
 * written by GNU tar.
 */
@QuarkusTest
class BrowseHttpTest {

    private static final String DATASET = HttpTesting.uniqueName("http-browse");
    private static final byte[] BIG = Trees.randomBytes(7, 300_000);

    @Inject
    BackupConfig config;

    /** Written once, by the first test (the service is not up yet in a {@code @BeforeAll}). */
    private static boolean written;

    @BeforeEach
    void twoLevels() throws IOException {
        if (written) {
            return;
        }
        written = true;
        Path data = HttpTesting.freshDataset(config, DATASET);
        Trees.write(data.resolve("a.txt"), "alpha");
        Trees.write(data.resolve("gone.txt"), "deleted before level 1");
        Trees.write(data.resolve("sub/b.bin"), BIG);
        Trees.symlink(data.resolve("sub/link"), "../a.txt");
        backup(0);
        Files.delete(data.resolve("gone.txt"));
        Trees.write(data.resolve("sub/new name.txt"), "new at level 1");
        backup(1);
    }

    @AfterAll
    static void removeDatasets() throws IOException {
        HttpTesting.removeDatasets();
    }

    private void backup(int level) throws IOException {
        String job = as("operator").body(Map.of("dataset", DATASET)).post("/api/backups").then().statusCode(202)
                .extract().path("jobId");
        JsonPath done = awaitFinal(job);
        assertEquals("SUCCEEDED", done.getString("status"), done.prettify());
        assertEquals(level, done.getInt("level"));
        Trees.tick(config.backupRoot());
    }

    @Test
    void aViewerListsADirectoryAsItWasAtEachLevel() {
        JsonPath top = tree(as("viewer"), 1, "").then().statusCode(200).contentType("application/json")
                .body("dataset", equalTo(DATASET), "cycle", equalTo(0), "level", equalTo(1), "path", equalTo(""))
                .extract().jsonPath();
        assertEquals(List.of("a.txt", "sub"), top.getList("entries.name"), "level 1 without gone.txt");
        assertEquals(List.of("file", "directory"), top.getList("entries.type"));
        assertEquals(5, top.getInt("entries[0].size"));
        assertEquals(String.format("%04o", modeOf("a.txt")), top.getString("entries[0].mode"), "mode in octal");
        tree(as("viewer"), 0, "").then().statusCode(200)
                .body("entries.name", equalTo(List.of("a.txt", "gone.txt", "sub")));

        JsonPath sub = tree(as("viewer"), 1, "sub/").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("b.bin", "link", "new name.txt"), sub.getList("entries.name"));
        assertEquals(BIG.length, sub.getInt("entries[0].size"));
        assertEquals("symlink", sub.getString("entries[1].type"));
        assertEquals("../a.txt", sub.getString("entries[1].link"));
        assertEquals(1, sub.getInt("entries[2].level"), "new at level 1: its content is in level 1");
        assertEquals(false, sub.getMap("entries[0]").containsKey("link"), "no link field for a file");
    }

    @Test
    void anAdminDownloadsAFileAsItWas() {
        Response big = file(as("admin"), 1, "sub/b.bin");
        big.then().statusCode(200).contentType("application/octet-stream")
                .header("Content-Length", String.valueOf(BIG.length))
                .header("Content-Disposition", startsWith("attachment; filename=\"b.bin\""));
        assertArrayEquals(BIG, big.asByteArray(), "the content of sub/b.bin");

        Response spaced = file(as("admin"), 1, "sub/new name.txt");
        spaced.then().statusCode(200).header("Content-Disposition", containsString("filename*=UTF-8''new%20name.txt"));
        assertEquals("new at level 1", spaced.asString());
        assertEquals("deleted before level 1", file(as("admin"), 0, "gone.txt").then().statusCode(200)
                .extract().asString());
    }

    @Test
    void downloadNeedsTheAdminRoleAndBrowsingCredentials() {
        for (String user : List.of("viewer", "operator")) {
            file(as(user), 1, "a.txt").then().statusCode(403).contentType(Problem.MEDIA_TYPE)
                    .body("code", equalTo("FORBIDDEN"));
        }
        tree(given(), 1, "").then().statusCode(401).contentType(Problem.MEDIA_TYPE)
                .body("code", equalTo("UNAUTHENTICATED"));
        file(given(), 1, "a.txt").then().statusCode(401).contentType(Problem.MEDIA_TYPE);
    }

    @Test
    void whatIsNotThereIsAProblem() {
        file(as("admin"), 1, "gone.txt").then().statusCode(404).contentType(Problem.MEDIA_TYPE)
                .body("code", equalTo("NO_SUCH_PATH"), "status", equalTo(404),
                        "detail", containsString("gone.txt"));
        tree(as("viewer"), 1, "no/such/dir").then().statusCode(404).contentType(Problem.MEDIA_TYPE)
                .body("code", equalTo("NO_SUCH_PATH"));
        tree(as("viewer"), 1, "a.txt").then().statusCode(400).contentType(Problem.MEDIA_TYPE)
                .body("code", equalTo("INVALID_PATH"));
        file(as("admin"), 1, "sub").then().statusCode(400).contentType(Problem.MEDIA_TYPE)
                .body("code", equalTo("INVALID_PATH"));
        file(as("admin"), 1, "../etc/passwd").then().statusCode(400).contentType(Problem.MEDIA_TYPE)
                .body("code", equalTo("INVALID_PATH"));
        as("viewer").get("/api/datasets/{ds}/cycles/9/levels/0/tree", DATASET).then().statusCode(404)
                .contentType(Problem.MEDIA_TYPE).body("code", equalTo("NO_SUCH_CYCLE"));
        as("viewer").get("/api/datasets/{ds}/cycles/0/levels/5/tree", DATASET).then().statusCode(404)
                .contentType(Problem.MEDIA_TYPE).body("code", equalTo("NO_SUCH_LEVEL"));
        as("viewer").get("/api/datasets/no-such-dataset/cycles/0/levels/0/tree").then().statusCode(404)
                .contentType(Problem.MEDIA_TYPE).body("code", equalTo("UNKNOWN_DATASET"));
    }

    private int modeOf(String name) {
        try {
            return Trees.mode(config.dataRoot().resolve(DATASET).resolve(name));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Response tree(RequestSpecification caller, int level, String path) {
        return caller.queryParam("path", path).get("/api/datasets/{ds}/cycles/0/levels/{level}/tree", DATASET,
                level);
    }

    private static Response file(RequestSpecification caller, int level, String path) {
        return caller.queryParam("path", path).get("/api/datasets/{ds}/cycles/0/levels/{level}/file", DATASET,
                level);
    }
}
