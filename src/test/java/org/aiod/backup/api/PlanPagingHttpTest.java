package org.aiod.backup.api;

import static org.aiod.backup.api.HttpTesting.as;
import static org.aiod.backup.api.HttpTesting.awaitFinal;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/jobs/{id}/plan}: a dry run's whole lists, paged, are what the real restore then does; the job
 * itself keeps only the first 100.
 */
@QuarkusTest
class PlanPagingHttpTest {

    private static final int FILES = 250;

    @Inject
    BackupConfig config;

    @AfterAll
    static void removeDatasets() throws IOException {
        HttpTesting.removeDatasets();
    }

    @Test
    void pagingThroughAPlanGivesEveryFileTheRestoreThenCreates() throws IOException {
        String ds = HttpTesting.uniqueName("http-plan-paging");
        Path data = HttpTesting.freshDataset(config, ds);
        for (int i = 0; i < FILES; i++) {
            Trees.write(data.resolve("dir" + (i % 3) + "/f" + i + ".txt"), "file " + i);
        }
        Trees.write(data.resolve("keep.txt"), "kept");
        String backup = submit("operator", "/api/backups", Map.of("dataset", ds));
        assertEquals("SUCCEEDED", awaitFinal(backup).getString("status"));
        for (int i = 0; i < 3; i++) {
            Trees.deleteRecursively(data.resolve("dir" + i));
        }

        String dryId = submit("admin", "/api/restores", Map.of("dataset", ds, "cycle", 0, "dryRun", true));
        JsonPath dry = awaitFinal(dryId);
        assertEquals("SUCCEEDED", dry.getString("status"), dry.prettify());
        assertEquals(FILES, dry.getInt("plan.create.count"));
        assertEquals(100, dry.getList("plan.create.paths").size(), "the job keeps the first 100");

        List<String> paged = new ArrayList<>();
        for (int offset = 0; ; offset += 100) {
            JsonPath page = as("viewer").queryParam("kind", "create").queryParam("offset", offset)
                    .queryParam("limit", 100).get("/api/jobs/" + dryId + "/plan").then().statusCode(200)
                    .extract().jsonPath();
            assertEquals("create", page.getString("kind"));
            assertEquals(offset, page.getLong("offset"));
            assertEquals(100, page.getInt("limit"));
            assertEquals(FILES, page.getLong("total"));
            List<String> paths = page.getList("paths");
            if (paths.isEmpty()) {
                break;
            }
            paged.addAll(paths);
        }
        assertEquals(FILES, paged.size(), "every path once");
        assertEquals(dry.getList("plan.create.paths"), paged.subList(0, 100), "the job's first 100 head the list");
        List<String> sorted = new ArrayList<>(paged);
        java.util.Collections.sort(sorted);
        assertEquals(sorted, paged, "in path order");
        List<String> whole = as("viewer").queryParam("kind", "create").queryParam("limit", 1000)
                .get("/api/jobs/" + dryId + "/plan").then().statusCode(200).extract().path("paths");
        assertEquals(paged, whole, "one page of 1000, offset 0 by default");
        as("viewer").queryParam("kind", "delete").get("/api/jobs/" + dryId + "/plan").then().statusCode(200)
                .body("total", equalTo(0)).body("paths.size()", equalTo(0)).body("limit", equalTo(100));

        Set<String> before = files(data);
        String realId = submit("admin", "/api/restores", Map.of("dataset", ds, "cycle", 0));
        assertEquals("SUCCEEDED", awaitFinal(realId).getString("status"));
        Set<String> created = new HashSet<>(files(data));
        created.removeAll(before);
        assertEquals(created, Set.copyOf(paged), "the restore created exactly the paged plan");

        // a job without a plan, an unknown job: 404 problems
        as("viewer").queryParam("kind", "create").get("/api/jobs/" + realId + "/plan").then().statusCode(404)
                .contentType(Problem.MEDIA_TYPE).body("code", equalTo("NO_PLAN"));
        as("viewer").queryParam("kind", "create").get("/api/jobs/no-such-job/plan").then().statusCode(404)
                .contentType(Problem.MEDIA_TYPE).body("code", equalTo("UNKNOWN_JOB"));
    }

    @Test
    void badKindOffsetOrLimitIsA400Problem() {
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of(), Map.of("kind", "CREATE"),
                Map.of("kind", "move"), Map.of("kind", "create", "offset", -1),
                Map.of("kind", "create", "offset", "x"), Map.of("kind", "create", "limit", 0),
                Map.of("kind", "create", "limit", 1001), Map.of("kind", "create", "limit", "1e3"))) {
            as("viewer").queryParams(bad).get("/api/jobs/some-job/plan").then().statusCode(400)
                    .contentType(Problem.MEDIA_TYPE).body("code", equalTo("INVALID_PAGE"));
        }
    }

    private static String submit(String user, String path, Map<String, Object> body) {
        Response accepted = as(user).body(body).post(path);
        accepted.then().statusCode(202);
        return accepted.path("jobId");
    }

    private static Set<String> files(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> !Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .map(p -> root.relativize(p).toString()).collect(Collectors.toSet());
        }
    }
}
