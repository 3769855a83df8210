package org.aiod.backup.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.aiod.backup.job.JobCommand;
import org.aiod.backup.job.JobType;
import org.junit.jupiter.api.Test;

/** {@code command} on the existing queues: VERIFY beside BACKUP, PRUNE beside RESTORE, nothing else. */
class LifecycleCommandParserTest {

    @Test
    void aVerifyOnTheBackupQueueAndAPruneOnTheRestoreQueue() {
        CommandParser.Parsed verify = CommandParser.parse(JobType.BACKUP,
                "{\"command\":\"VERIFY\",\"dataset\":\"connectors\",\"depth\":\"drill\",\"requestId\":\"v-1\"}", "m1");
        assertTrue(verify.valid(), String.valueOf(verify.error()));
        assertEquals(new JobCommand.Verify("connectors", "drill", "v-1", "m1", org.aiod.backup.job.JobSource.AMQP),
                verify.command());
        CommandParser.Parsed prune = CommandParser.parse(JobType.RESTORE,
                "{\"command\":\"PRUNE\",\"dataset\":\"connectors\",\"dryRun\":true}", "m2");
        assertTrue(prune.valid(), String.valueOf(prune.error()));
        assertEquals(new JobCommand.Prune("connectors", true, null, "m2", org.aiod.backup.job.JobSource.AMQP),
                prune.command());
        // the queue's own command, named or not
        assertEquals(JobType.BACKUP, CommandParser.parse(JobType.BACKUP,
                "{\"command\":\"BACKUP\",\"dataset\":\"c\"}", "m3").command().type());
    }

    @Test
    void aCommandOfTheOtherQueueABadDepthOrAFieldOfAnotherCommandIsRefused() {
        CommandParser.Parsed prune = CommandParser.parse(JobType.BACKUP,
                "{\"command\":\"PRUNE\",\"dataset\":\"connectors\"}", "m1");
        assertEquals("command must be one of BACKUP, VERIFY on this queue (RESTORE and PRUNE go to"
                + " restore-commands), was the string \"PRUNE\"", prune.error().message());
        assertEquals(JobType.BACKUP, prune.command().type());
        CommandParser.Parsed depth = CommandParser.parse(JobType.BACKUP,
                "{\"command\":\"VERIFY\",\"dataset\":\"connectors\",\"depth\":\"deep\"}", "m2");
        assertEquals("depth must be checksums or drill, was \"deep\"", depth.error().message());
        CommandParser.Parsed field = CommandParser.parse(JobType.RESTORE,
                "{\"command\":\"PRUNE\",\"dataset\":\"connectors\",\"cycle\":1}", "m3");
        assertEquals("unknown field \"cycle\" (a prune command has dataset, dryRun, requestId)",
                field.error().message());
        CommandParser.Parsed lower = CommandParser.parse(JobType.BACKUP,
                "{\"command\":\"verify\",\"dataset\":\"connectors\"}", "m4");
        assertTrue(lower.error().message().startsWith("command must be one of BACKUP, VERIFY"), lower.error().message());
    }
}
