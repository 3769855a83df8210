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
        JobCommand expected = new JobCommand(JobType.BACKUP, "connectors", null, null, "r1", "m1", JobSource.AMQP);
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
        assertEquals(2L, p.command().cycle());
        assertEquals(10, p.command().level());
        p = parse(JobType.RESTORE, "{\"dataset\":\"db\",\"cycle\":0,\"level\":null,\"requestId\":null}");
        assertTrue(p.valid());
        assertNull(p.command().level());
        assertNull(p.command().requestId());
    }

    @Test
    void unknownFieldsAreIgnored() {
        CommandParser.Parsed p = parse(JobType.BACKUP, "{\"dataset\":\"db\",\"cycle\":\"whatever\",\"x\":[1]}");
        assertTrue(p.valid(), String.valueOf(p.error()));
        assertNull(p.command().cycle());
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
