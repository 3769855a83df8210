package org.aiod.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.BeforeEach;
import org.aiod.backup.cli.CliProcess.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line for scripts and for people (issue #12, point 6): {@code --json} writes exactly one JSON document on
 * standard output with the fields the HTTP API uses, {@code list} says which roots it searched, and every command has
 * its own {@code --help}. Each command runs in a process of its own, as a script runs it.
 */
class CliForScriptsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A job's fields as {@code GET /api/jobs/{id}} and the journal write them, always present. */
    private static final Set<String> JOB_FIELDS = Set.of("jobId", "requestId", "messageId", "type", "dataset",
            "cycle", "level", "source", "status", "queuedAt", "startedAt", "finishedAt", "files", "bytes", "archive",
            "error", "warnings", "missed");

    @TempDir
    Path tmp;

    private Path data;
    private Path backups;


    @BeforeEach
    void dataset() throws Exception {
        data = tmp.resolve("data");
        backups = tmp.resolve("backups");
        Trees.write(data.resolve("connectors/state/offsets.json"), "{\"offset\": 1}");
        Trees.write(data.resolve("connectors/config.yml"), "a: 1\n");
    }

    @Test
    void backupWithJsonWritesTheJobAsTheHttpApiShowsItAndNothingElse() throws Exception {
        Result backup = cli("backup", "connectors", "--json");
        assertEquals(0, backup.exit(), backup.err());
        JsonNode job = document(backup);
        assertTrue(fields(job).containsAll(JOB_FIELDS), fields(job).toString());
        assertEquals("BACKUP", job.get("type").asText());
        assertEquals("SUCCEEDED", job.get("status").asText());
        assertEquals("cli", job.get("source").asText());
        assertEquals("connectors", job.get("dataset").asText());
        assertEquals(0, job.get("cycle").asLong());
        assertEquals(0, job.get("level").asInt());
        assertEquals(2, job.get("files").asLong());
        assertTrue(job.get("bytes").asLong() > 0, job.toString());
        assertEquals(backups.resolve("connectors/connectors_0/connectors0.tar.gz").toString(),
                job.get("archive").asText());
        assertTrue(job.get("error").isNull(), job.toString());
        // ISO-8601 instants, as the service's ObjectMapper writes them, not numbers
        Instant started = Instant.parse(job.get("startedAt").asText());
        assertFalse(Instant.parse(job.get("finishedAt").asText()).isBefore(started), job.toString());
        assertTrue(backup.err().startsWith("backed up connectors: cycle 0 level 0, 2 files"),
                "the text for people moves to standard error: " + backup.err());

        Result second = cli("--json", "backup", "connectors");
        assertEquals(0, second.exit(), second.err());
        assertEquals(1, document(second).get("level").asInt());
    }

    @Test
    void aRejectedOrFailedJobIsStillOneDocumentWithItsErrorAndTheSameExitStatus() throws Exception {
        assertEquals(0, cli("backup", "connectors").exit());
        Result unknown = cli("backup", "nope", "--json");
        assertEquals(1, unknown.exit(), unknown.err());
        JsonNode job = document(unknown);
        assertEquals("REJECTED", job.get("status").asText());
        assertEquals("UNKNOWN_DATASET", job.at("/error/code").asText());
        assertEquals("unknown dataset 'nope' (known: [connectors])", job.at("/error/message").asText());
        assertEquals("aiod-backup: unknown dataset 'nope' (known: [connectors])", unknown.err().strip());

        Result noCycle = cli("restore", "connectors", "5", "--json");
        assertEquals(1, noCycle.exit(), noCycle.err());
        assertEquals("NO_SUCH_CYCLE", document(noCycle).at("/error/code").asText());

        Result noLevelThen = cli("restore", "connectors", "--at", "2000-01-01T00:00:00Z", "--json");
        assertEquals(1, noLevelThen.exit(), noLevelThen.err());
        assertFalse(document(noLevelThen).at("/error/code").asText().isEmpty(), noLevelThen.out());
    }

    @Test
    void restoreVerifyAndPruneWithJsonEachWriteOneDocument() throws Exception {
        assertEquals(0, cli("backup", "connectors").exit());
        Trees.write(data.resolve("connectors/config.yml"), "a: 2, longer\n");

        Result dryRun = cli("restore", "connectors", "0", "--dry-run", "--json");
        assertEquals(0, dryRun.exit(), dryRun.err());
        JsonNode plan = document(dryRun);
        assertEquals("RESTORE", plan.get("type").asText());
        assertEquals("SUCCEEDED", plan.get("status").asText());
        assertEquals(1, plan.at("/plan/replace/count").asInt(), plan.toString());
        assertEquals("config.yml", plan.at("/plan/replace/paths/0").asText(), plan.toString());
        assertTrue(plan.at("/options/dryRun").asBoolean(), plan.toString());

        Result restore = cli("restore", "connectors", "0", "--json");
        assertEquals(0, restore.exit(), restore.err());
        JsonNode restored = document(restore);
        assertEquals("SUCCEEDED", restored.get("status").asText());
        assertEquals(0, restored.get("cycle").asLong());
        assertEquals(0, restored.get("level").asInt());
        assertEquals(2, restored.get("files").asLong());
        assertEquals("a: 1\n", Files.readString(data.resolve("connectors/config.yml")));

        Result at = cli("restore", "connectors", "--at", Instant.now().plusSeconds(60).toString(), "--json");
        assertEquals(0, at.exit(), at.err());
        assertEquals(0, document(at).get("level").asInt());
        assertTrue(at.err().contains(": cycle 0 level 0 of connectors, completed"), "the choice on stderr: "
                + at.err());

        Result verify = cli("verify", "connectors", "--json");
        assertEquals(0, verify.exit(), verify.err());
        JsonNode verified = document(verify);
        assertEquals("VERIFY", verified.get("type").asText());
        assertEquals("SUCCEEDED", verified.get("status").asText());
        assertEquals("checksums", verified.at("/verify/depth").asText());
        assertEquals("OK", verified.at("/verify/levels/0/status").asText(), verified.toString());

        Result verifyCycle = cli("verify", "connectors", "0", "--json");
        assertEquals(0, verifyCycle.exit(), verifyCycle.err());
        JsonNode cycle = document(verifyCycle);
        assertEquals("connectors", cycle.get("dataset").asText());
        assertEquals(0, cycle.get("cycle").asLong());
        assertEquals("OK", cycle.at("/levels/0/status").asText(), cycle.toString());
        assertEquals(0, cycle.at("/levels/0/level").asInt(), cycle.toString());

        Result prune = cli("prune", "connectors", "--dry-run", "--json");
        assertEquals(0, prune.exit(), prune.err());
        JsonNode pruned = document(prune);
        assertEquals("PRUNE", pruned.get("type").asText());
        assertEquals("SUCCEEDED", pruned.get("status").asText());
        assertTrue(pruned.at("/prune/dryRun").asBoolean(), pruned.toString());
        assertTrue(pruned.at("/prune/removed").isArray(), pruned.toString());

        Trees.write(data.resolve("other/x.txt"), "x");
        Result pruneAll = cli("prune", "--json");
        assertEquals(1, pruneAll.exit(), "the worst status, as without --json: " + pruneAll.err());
        JsonNode jobs = document(pruneAll);
        assertTrue(jobs.isArray(), jobs.toString());
        assertEquals(List.of("connectors", "other"), List.of(jobs.get(0).get("dataset").asText(),
                jobs.get(1).get("dataset").asText()));
        assertEquals("SUCCEEDED", jobs.get(0).get("status").asText());
        assertEquals("PRUNE", jobs.get(1).get("type").asText());
        assertEquals("FAILED", jobs.get(1).get("status").asText(), "a dataset without backups: " + jobs);
        assertTrue(pruneAll.err().contains("aiod-backup: other: dataset 'other' has no backups"), pruneAll.err());
    }

    @Test
    void listWithJsonIsWhatTheDatasetsApiAnswers() throws Exception {
        assertEquals(0, cli("backup", "connectors").exit());

        Result all = cli("list", "--json");
        assertEquals(0, all.exit(), all.err());
        JsonNode datasets = document(all);
        assertEquals(1, datasets.size(), datasets.toString());
        assertEquals("connectors", datasets.at("/0/name").asText());
        assertEquals(Set.of("cycle", "lastLevel", "levels", "bytes", "firstAt", "lastAt", "missingLevels"),
                fields(datasets.at("/0/cycles/0")));
        assertEquals(0, datasets.at("/0/cycles/0/lastLevel").asInt());
        assertEquals(1, datasets.at("/0/cycles/0/levels").asInt());
        Instant.parse(datasets.at("/0/cycles/0/firstAt").asText());
        assertTrue(all.err().contains("data root " + data + ", backup root " + backups), all.err());

        Result one = cli("list", "connectors", "--json");
        assertEquals(0, one.exit(), one.err());
        JsonNode dataset = document(one);
        assertEquals("connectors", dataset.get("name").asText());
        JsonNode level = dataset.at("/cycles/0/levels/0");
        assertEquals(0, level.get("level").asInt());
        assertEquals("connectors0.tar.gz", level.get("archive").asText());
        assertEquals(Files.size(backups.resolve("connectors/connectors_0/connectors0.tar.gz")),
                level.get("size").asLong());
        assertEquals("listed", level.get("checksum").asText());
        assertEquals(64, level.get("sha256").asText().length());
        Instant.parse(level.get("modified").asText());
    }

    @Test
    void listSaysWhichRootsItSearchedAndWhenThereIsNothing() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty-data"));
        Path none = tmp.resolve("no-backups");
        Result list = cli("list", "--data-root", empty.toString(), "--backup-root", none.toString());
        assertEquals(0, list.exit(), list.err());
        assertEquals("no datasets: no dataset directory and no backups in data root " + empty + ", backup root "
                + none + "\n", list.out());

        Result json = cli("list", "--json", "--data-root", empty.toString(), "--backup-root", none.toString());
        assertEquals(0, json.exit(), json.err());
        assertEquals(0, document(json).size(), json.out());
        assertTrue(json.err().contains("data root " + empty + ", backup root " + none), json.err());

        assertEquals(0, cli("backup", "connectors").exit());
        Result some = cli("list");
        assertTrue(some.out().startsWith("connectors:\n  cycle 0"), some.out());
        assertTrue(some.out().endsWith("(searched data root " + data + ", backup root " + backups + ")\n"),
                some.out());
    }

    @Test
    void listOfAnUnknownDatasetExitsNonZeroNamingTheKnownOnes() throws Exception {
        Trees.write(data.resolve("other/x.txt"), "x");
        Result unknown = cli("list", "nope");
        assertEquals(org.aiod.backup.job.ErrorCode.UNKNOWN_DATASET.exitStatus(), unknown.exit());
        assertTrue(unknown.exit() != 0);
        assertEquals("", unknown.out());
        assertEquals("aiod-backup: unknown dataset 'nope' (known: [connectors, other])", unknown.err().strip());

        Result json = cli("list", "nope", "--json");
        assertEquals(unknown.exit(), json.exit());
        JsonNode error = document(json);
        assertEquals("UNKNOWN_DATASET", error.at("/error/code").asText());
        assertEquals("unknown dataset 'nope' (known: [connectors, other])", error.at("/error/message").asText());

        Path empty = Files.createDirectories(tmp.resolve("empty-data"));
        Result nothingKnown = cli("list", "nope", "--data-root", empty.toString());
        assertEquals(unknown.exit(), nothingKnown.exit());
        assertEquals("aiod-backup: unknown dataset 'nope' (no dataset is known: none in data root " + empty
                + ", backup root " + backups + ")", nothingKnown.err().strip());
    }

    @Test
    void everyCommandHasItsOwnHelp() throws Exception {
        for (String command : List.of("backup", "restore", "list", "verify", "prune")) {
            for (String help : List.of("--help", "-h")) {
                Result usage = cli(command, help);
                assertEquals(0, usage.exit(), command + " " + help + ": " + usage.err());
                assertTrue(usage.out().startsWith("Usage: aiod-backup " + command + " "), usage.out());
                assertTrue(usage.out().contains("--json"), usage.out());
                assertFalse(usage.out().contains("Without a command, runs the service"),
                        "only that command's usage: " + usage.out());
                assertEquals("", usage.err());
            }
        }
        assertTrue(cli("restore", "connectors", "0", "--help").out().contains("--dry-run"));
        assertTrue(cli("verify", "--help").out().contains("--depth"));
        assertTrue(cli("--data-root", "/nowhere", "list", "-h").out().startsWith("Usage: aiod-backup list "));
        assertTrue(cli("help", "prune").out().startsWith("Usage: aiod-backup prune "));
        Result whole = cli("--help");
        assertTrue(whole.out().startsWith("Usage: aiod-backup [command]"), whole.out());
        assertTrue(whole.out().contains("--json"), whole.out());
    }

    /**
     * Standard output as exactly one JSON document: it parses, and nothing follows it (a second document, a line of
     * text) but the final newline.
     */
    private static JsonNode document(Result result) throws Exception {
        try (JsonParser parser = JSON.createParser(result.out())) {
            JsonNode node = JSON.readTree(parser);
            assertTrue(node != null && (node.isObject() || node.isArray()), "one JSON document: " + result.out());
            assertNull(parser.nextToken(), "nothing after the document: " + result.out());
            assertTrue(result.out().endsWith("}\n") || result.out().endsWith("]\n"), result.out());
            return node;
        }
    }

    private static Set<String> fields(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Runs the artifact's entry point in a new JVM, with this test's data and backup roots. */
    private Result cli(String... words) throws Exception {
        return CliProcess.run(data, backups, false, words);
    }
}
