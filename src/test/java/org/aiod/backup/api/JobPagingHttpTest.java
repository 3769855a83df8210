package org.aiod.backup.api;

import static org.aiod.backup.api.HttpTesting.as;
import static org.aiod.backup.api.HttpTesting.awaitFinal;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** {@code GET /api/jobs} in pages: limit, a cursor that survives new jobs, the next link, and time filters. */
@QuarkusTest
class JobPagingHttpTest {

    private static final String DATASET = HttpTesting.uniqueName("http-paging");
    private static final Pattern NEXT = Pattern.compile("<([^>]+)>;\\s*rel=\"next\"");
    /** The dataset's jobs, oldest first, as submitted. */
    private static final List<String> SUBMITTED = new ArrayList<>();
    private static Instant middle;

    @Inject
    BackupConfig config;

    @AfterAll
    static void removeDatasets() throws IOException {
        HttpTesting.removeDatasets();
    }

    /** Made by the first test that needs them: a static @BeforeAll cannot reach the injected config. */
    private void fiveBackups() throws IOException {
        if (!SUBMITTED.isEmpty()) {
            return;
        }
        Path data = HttpTesting.freshDataset(config, DATASET);
        for (int i = 0; i < 5; i++) {
            Trees.write(data.resolve("f" + i), "content " + i);
            String id = as("operator").body(Map.of("dataset", DATASET)).post("/api/backups").then().statusCode(202)
                    .extract().path("jobId");
            assertEquals("SUCCEEDED", awaitFinal(id).getString("status"));
            SUBMITTED.add(id);
            if (i == 2) {
                middle = Instant.parse(as("viewer").get("/api/jobs/{id}", id).then().extract().path("queuedAt"));
            }
        }
    }

    @Test
    void pagesFollowTheNextLinkNewestFirstWithoutGapsOrRepeats() throws IOException {
        fiveBackups();
        Response first = as("viewer").queryParam("dataset", DATASET).queryParam("limit", 2).get("/api/jobs");
        first.then().statusCode(200);
        List<String> seen = new ArrayList<>(first.jsonPath().getList("jobId", String.class));
        assertEquals(List.of(SUBMITTED.get(4), SUBMITTED.get(3)), seen);
        String next = nextLink(first);
        assertNotNull(next, "a first page of 2 of 5 has a next link");
        assertEquals(first.header("X-Next-Cursor"), query(next, "cursor"));

        // a job submitted between two pages comes first, newest first: it must not shift the next page
        String newer = as("operator").body(Map.of("dataset", DATASET)).post("/api/backups").then().statusCode(202)
                .extract().path("jobId");
        awaitFinal(newer);

        while (next != null) {
            Response page = as("viewer").get(URI.create(next).getRawPath() + "?" + URI.create(next).getRawQuery());
            page.then().statusCode(200);
            List<String> ids = page.jsonPath().getList("jobId", String.class);
            assertTrue(ids.size() <= 2, "limit is kept on later pages: " + ids);
            seen.addAll(ids);
            next = nextLink(page);
        }
        assertEquals(List.of(SUBMITTED.get(4), SUBMITTED.get(3), SUBMITTED.get(2), SUBMITTED.get(1),
                SUBMITTED.get(0)), seen);
    }

    @Test
    void theLastPageHasNoNextLink() throws IOException {
        fiveBackups();
        Response all = as("viewer").queryParam("dataset", DATASET).queryParam("limit", 1000).get("/api/jobs");
        all.then().statusCode(200);
        assertTrue(all.jsonPath().getList("jobId").containsAll(SUBMITTED));
        assertNull(nextLink(all));
        assertNull(all.header("X-Next-Cursor"));
    }

    @Test
    void sinceAndUntilFilterByTheTimeAJobWasQueued() throws IOException {
        fiveBackups();
        List<String> since = as("viewer").queryParam("dataset", DATASET).queryParam("since", middle.toString())
                .get("/api/jobs").then().statusCode(200).extract().jsonPath().getList("jobId", String.class);
        assertTrue(since.containsAll(SUBMITTED.subList(2, 5)), since.toString());
        assertTrue(since.stream().noneMatch(SUBMITTED.subList(0, 2)::contains), since.toString());
        List<String> until = as("viewer").queryParam("dataset", DATASET).queryParam("until", middle.toString())
                .get("/api/jobs").then().statusCode(200).extract().jsonPath().getList("jobId", String.class);
        assertEquals(List.of(SUBMITTED.get(1), SUBMITTED.get(0)), until);
    }

    @Test
    void aLimitCursorOrTimeThatIsNotOneIsAProblem() {
        for (Map<String, String> query : List.of(Map.of("limit", "0"), Map.of("limit", "1001"),
                Map.of("limit", "ten"), Map.of("cursor", "not-a-cursor"), Map.of("since", "yesterday"),
                Map.of("until", "2026-11-30T02:00:00"))) {
            as("viewer").queryParams(query).get("/api/jobs").then().statusCode(400)
                    .contentType(Problem.MEDIA_TYPE)
                    .body("code", equalTo("INVALID_PAGE"), "detail", containsString(query.keySet().iterator().next()));
        }
    }

    private static String nextLink(Response response) {
        String link = response.header("Link");
        if (link == null) {
            return null;
        }
        Matcher m = NEXT.matcher(link);
        return m.find() ? m.group(1) : null;
    }

    private static String query(String uri, String name) {
        for (String pair : URI.create(uri).getRawQuery().split("&")) {
            if (pair.startsWith(name + "=")) {
                return pair.substring(name.length() + 1);
            }
        }
        return null;
    }
}
