package org.aiod.backup.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.aiod.backup.job.JobCommand;
import org.aiod.backup.job.JobSource;
import org.aiod.backup.job.JobType;
import org.junit.jupiter.api.Test;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Shapes and types of command bodies; whether datasets, cycles and levels exist is the job service's check. */
class CommandParserTest {

    @Test
    void aBackupFromEveryAcceptedBodyForm() {
        JobCommand expected = new JobCommand.Backup("connectors", "r1", "m1", JobSource.AMQP);
        String text = "{\"dataset\":\"connectors\",\"requestId\":\"r1\"}";
        for (Object body : List.of(new JsonObject(text), text, text.getBytes(StandardCharsets.UTF_8),
                Buffer.buffer(text), io.vertx.mutiny.core.buffer.Buffer.buffer(text))) {
            CommandParser.Parsed p = CommandParser.parse(JobType.BACKUP, body, "m1");
            assertTrue(p.valid(), body.getClass() + ": " + p.error());
            assertEquals(expected, p.command());
        }
    }

    @Test
    void aRestoreWithAndWithoutLevel() {
        CommandParser.Parsed p = parse(JobType.RESTORE, "{\"dataset\":\"db\",\"cycle\":2,\"level\":10}");
        assertTrue(p.valid());
        assertEquals(2L, ((JobCommand.Restore) p.command()).cycle());
        assertEquals(10, ((JobCommand.Restore) p.command()).level());
        p = parse(JobType.RESTORE, "{\"dataset\":\"db\",\"cycle\":0,\"level\":null,\"requestId\":null}");
        assertTrue(p.valid());
        assertNull(((JobCommand.Restore) p.command()).level());
        assertNull(p.command().requestId());
    }

    @Test
    void unknownFieldsAreRefusedNeverIgnored() {
        // a restore elsewhere that this version cannot do must not become a restore in place
        assertError(JobType.RESTORE, "{\"dataset\":\"db\",\"cycle\":0,\"destination\":\"/elsewhere\"}",
                "unknown field \"destination\" (a restore command has dataset, cycle, level, target, overwrite, paths,"
                        + " at, dryRun, requestId)");
        assertError(JobType.BACKUP, "{\"dataset\":\"db\",\"cycle\":2}",
                "unknown field \"cycle\" (a backup command has dataset, requestId)");
        assertError(JobType.BACKUP, "{\"dataset\":\"db\",\"Dataset\":\"db\"}", "unknown field \"Dataset\"");
    }

    @Test
    void requestIdsAreShortAndPlain() {
        assertTrue(parse(JobType.BACKUP, "{\"dataset\":\"db\",\"requestId\":\"nightly-2024.05.01:a_B\"}").valid());
        assertTrue(parse(JobType.BACKUP, "{\"dataset\":\"db\",\"requestId\":\"" + "r".repeat(128) + "\"}").valid());
        assertError(JobType.BACKUP, "{\"dataset\":\"db\",\"requestId\":\"" + "r".repeat(129) + "\"}",
                "requestId must be 1 to 128 characters of [A-Za-z0-9._:-], was 129 characters long");
        assertError(JobType.BACKUP, "{\"dataset\":\"db\",\"requestId\":\"a b\"}", "requestId must be 1 to 128");
        assertError(JobType.BACKUP, "{\"dataset\":\"db\",\"requestId\":\"\"}", "requestId must be 1 to 128");
        assertError(JobType.BACKUP, "{\"dataset\":\"db\",\"requestId\":\"a/b\\n\"}", "requestId must be 1 to 128");
        // a refused request id is not kept: the rejection must not answer a later, valid command of that id
        assertNull(parse(JobType.BACKUP, "{\"dataset\":\"db\",\"requestId\":\"a b\"}").command().requestId());
    }

    @Test
    void typesAreStrictAndNothingMayFollowTheObject() {
        assertError(JobType.RESTORE, "{\"dataset\":\"db\",\"cycle\":\"0\"}", "cycle must be an integer, was the string");
        assertError(JobType.RESTORE, "{\"dataset\":\"db\",\"cycle\":0.5}", "cycle must be an integer, was the number 0.5");
        assertError(JobType.BACKUP, "{\"dataset\":5}", "dataset must be a string, was the number 5");
        assertError(JobType.BACKUP, "{\"dataset\":\"db\"} trailing", "not valid JSON");
        assertError(JobType.BACKUP, "{\"dataset\":\"db\"}{\"dataset\":\"other\"}", "not valid JSON");
        assertError(JobType.BACKUP, "{\"dataset\":\"db\"} 1", "not valid JSON");
    }

    @Test
    void badBodiesSayWhy() {
        assertError(JobType.BACKUP, "not json", "not valid JSON");
        assertError(JobType.BACKUP, "  ", "empty");
        assertError(JobType.BACKUP, null, "empty");
        assertError(JobType.BACKUP, "[1]", "must be a JSON object, was an array");
        assertError(JobType.BACKUP, new JsonArray().add(1), "must be a JSON object, was an array");
        assertError(JobType.BACKUP, "\"db\"", "must be a JSON object, was the string \"db\"");
        assertError(JobType.BACKUP, "42", "must be a JSON object, was the number 42");
        assertError(JobType.BACKUP, new byte[] { '{', (byte) 0xc3, '}' }, "not UTF-8");
        assertError(JobType.BACKUP, Map.of("dataset", "db"), "AMQP map");
        assertError(JobType.BACKUP, 12L, "AMQP Long");
        assertError(JobType.BACKUP, "{\"dataset\": ".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "not valid JSON");
        assertError(JobType.BACKUP, "{}", "dataset is required");
        assertError(JobType.BACKUP, "{\"dataset\":null}", "dataset is required");
        assertError(JobType.BACKUP, "{\"dataset\":{}}", "dataset must be a string, was an object");
        assertError(JobType.BACKUP, "{\"dataset\":\"db\",\"requestId\":7}", "requestId must be a string");
        assertError(JobType.RESTORE, "{\"dataset\":\"db\"}", "cycle is required for a restore");
        assertError(JobType.RESTORE, "{\"dataset\":\"db\",\"cycle\":\"2\"}",
                "cycle must be an integer, was the string \"2\"");
        assertError(JobType.RESTORE, "{\"dataset\":\"db\",\"cycle\":2.0}", "cycle must be an integer, was the number 2.0");
        assertError(JobType.RESTORE, "{\"dataset\":\"db\",\"cycle\":1e3}", "cycle must be an integer");
        assertError(JobType.RESTORE, "{\"dataset\":\"db\",\"cycle\":true}", "cycle must be an integer, was the boolean");
        assertError(JobType.RESTORE, "{\"dataset\":\"db\",\"cycle\":-1}", "cycle must not be negative, was -1");
        assertError(JobType.RESTORE, "{\"dataset\":\"db\",\"cycle\":99999999999999999999}", "cycle is out of range");
        assertError(JobType.RESTORE, "{\"dataset\":\"db\",\"cycle\":1,\"level\":2.5}",
                "level must be an integer, was the number 2.5");
        assertError(JobType.RESTORE, "{\"dataset\":\"db\",\"cycle\":1,\"level\":-2}", "level must not be negative");
        assertError(JobType.RESTORE, "{\"dataset\":\"db\",\"cycle\":1,\"level\":3000000000}", "level is out of range");
    }

    @Test
    void everyProblemIsReportedAndWhatCouldBeReadIsKept() {
        CommandParser.Parsed p = parse(JobType.RESTORE, "{\"dataset\":\"db\",\"requestId\":\"r\",\"cycle\":\"x\","
                + "\"level\":-1}");
        assertEquals("INVALID_COMMAND", p.error().code());
        assertTrue(p.error().message().contains("cycle must be an integer"), p.error().message());
        assertTrue(p.error().message().contains("; level must not be negative"), p.error().message());
        assertEquals("db", p.command().dataset());
        assertEquals("r", p.command().requestId());
        assertEquals("m", p.command().messageId());
        assertEquals(JobType.RESTORE, p.command().type());
        assertEquals(JobSource.AMQP, p.command().source());
    }

    @Test
    void restoreOptionsAreReadWithTheirTypes() {
        CommandParser.Parsed p = parse(JobType.RESTORE, "{\"dataset\":\"db\",\"cycle\":1,\"target\":\"/opt/restore/db\","
                + "\"overwrite\":true,\"paths\":[\"a\",\"b/c\"],\"dryRun\":false}");
        assertTrue(p.valid(), String.valueOf(p.error()));
        assertEquals(new org.aiod.backup.job.RestoreOptions("/opt/restore/db", true, java.util.List.of("a", "b/c"), null,
                false), ((JobCommand.Restore) p.command()).options());
        p = parse(JobType.RESTORE, "{\"dataset\":\"db\",\"at\":\"2026-11-30T02:00:00Z\"}");
        assertTrue(p.valid(), "at without a cycle: " + p.error());
        assertNull(((JobCommand.Restore) p.command()).cycle());
        assertEquals("2026-11-30T02:00:00Z", ((JobCommand.Restore) p.command()).options().at());

        assertError(JobType.RESTORE, "{\"dataset\":\"db\",\"cycle\":1,\"at\":\"2026-11-30T02:00:00Z\"}",
                "at is instead of cycle and level");
        assertError(JobType.RESTORE, "{\"dataset\":\"db\",\"at\":\"tuesday\"}", "at must be an ISO-8601 time");
        assertError(JobType.RESTORE, "{\"dataset\":\"db\",\"at\":1700000000}", "at must be a string, was the number");
        assertError(JobType.RESTORE, "{\"dataset\":\"db\",\"cycle\":1,\"overwrite\":\"true\"}",
                "overwrite must be a boolean, was the string \"true\"");
        assertError(JobType.RESTORE, "{\"dataset\":\"db\",\"cycle\":1,\"dryRun\":1}",
                "dryRun must be a boolean, was the number 1");
        assertError(JobType.RESTORE, "{\"dataset\":\"db\",\"cycle\":1,\"paths\":\"a\"}",
                "paths must be an array of strings, was the string \"a\"");
        assertError(JobType.RESTORE, "{\"dataset\":\"db\",\"cycle\":1,\"paths\":[\"a\",2]}",
                "paths[1] must be a string, was the number 2");
        assertError(JobType.RESTORE, "{\"dataset\":\"db\",\"cycle\":1,\"target\":[\"/a\"]}",
                "target must be a string, was an array");
        assertError(JobType.BACKUP, "{\"dataset\":\"db\",\"dryRun\":true}", "unknown field \"dryRun\"");
    }

    private static CommandParser.Parsed parse(JobType type, String text) {
        return CommandParser.parse(type, text, "m");
    }

    private static void assertError(JobType type, Object body, String because) {
        CommandParser.Parsed p = CommandParser.parse(type, body, "m");
        assertTrue(!p.valid(), body + " should be refused");
        assertEquals("INVALID_COMMAND", p.error().code());
        assertTrue(p.error().message().contains(because),
                body + ": expected '" + because + "' in '" + p.error().message() + "'");
        assertEquals(type, p.command().type());
        assertEquals("m", p.command().messageId());
    }
}
