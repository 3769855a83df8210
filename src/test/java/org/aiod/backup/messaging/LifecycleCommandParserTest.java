package org.aiod.backup.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.aiod.backup.job.JobCommand;
import org.aiod.backup.job.JobType;
import org.junit.jupiter.api.Test;

/**
 * VERIFY on {@code verify-commands}, PRUNE on {@code prune-commands} (a prune without dataset: every dataset);
 * {@code command}, a field that picked a command on the other queues before these had their own, is unknown.
 */
class LifecycleCommandParserTest {

    @Test
    void aVerifyOnTheVerifyQueueAndAPruneOnThePruneQueue() {
        CommandParser.Parsed verify = CommandParser.parse(JobType.VERIFY,
                "{\"dataset\":\"connectors\",\"depth\":\"drill\",\"requestId\":\"v-1\"}", "m1");
        assertTrue(verify.valid(), String.valueOf(verify.error()));
        assertEquals(new JobCommand.Verify("connectors", "drill", "v-1", "m1", org.aiod.backup.job.JobSource.AMQP),
                verify.command());
        CommandParser.Parsed prune = CommandParser.parse(JobType.PRUNE,
                "{\"dataset\":\"connectors\",\"dryRun\":true}", "m2");
        assertTrue(prune.valid(), String.valueOf(prune.error()));
        assertEquals(new JobCommand.Prune("connectors", true, null, "m2", org.aiod.backup.job.JobSource.AMQP),
                prune.command());
    }

    @Test
    void aPruneWithoutDatasetAsksForEveryDatasetAndEachJobHasIdsOfItsOwn() {
        CommandParser.Parsed all = CommandParser.parse(JobType.PRUNE, "{\"dryRun\":false,\"requestId\":\"p-1\"}",
                "m1");
        assertTrue(all.valid(), String.valueOf(all.error()));
        JobCommand.Prune every = (JobCommand.Prune) all.command();
        assertTrue(every.everyDataset());
        assertEquals(new JobCommand.Prune("alpha", false, "p-1:alpha", "m1/alpha", org.aiod.backup.job.JobSource.AMQP),
                every.of("alpha"));
        // only a prune goes without a dataset
        assertEquals("dataset is required", CommandParser.parse(JobType.VERIFY, "{}", "m2").error().message());
    }

    @Test
    void theCommandFieldABadDepthOrAFieldOfAnotherCommandIsRefused() {
        CommandParser.Parsed command = CommandParser.parse(JobType.BACKUP,
                "{\"command\":\"VERIFY\",\"dataset\":\"connectors\"}", "m1");
        assertEquals("unknown field \"command\" (a backup command has dataset, requestId)", command.error().message());
        assertEquals(JobType.BACKUP, command.command().type());
        CommandParser.Parsed onPrune = CommandParser.parse(JobType.PRUNE,
                "{\"command\":\"PRUNE\",\"dataset\":\"connectors\"}", "m1");
        assertEquals("unknown field \"command\" (a prune command has dataset, dryRun, requestId)",
                onPrune.error().message());
        CommandParser.Parsed depth = CommandParser.parse(JobType.VERIFY,
                "{\"dataset\":\"connectors\",\"depth\":\"deep\"}", "m2");
        assertEquals("depth must be checksums or drill, was \"deep\"", depth.error().message());
        CommandParser.Parsed field = CommandParser.parse(JobType.PRUNE,
                "{\"dataset\":\"connectors\",\"cycle\":1}", "m3");
        assertEquals("unknown field \"cycle\" (a prune command has dataset, dryRun, requestId)",
                field.error().message());
    }
}
