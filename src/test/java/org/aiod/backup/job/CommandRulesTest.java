package org.aiod.backup.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.aiod.backup.engine.DatasetName;
import org.junit.jupiter.api.Test;

/**
 * The one validation of a command's fields, whichever adapter built the command; an invalid command is still a
 * command, so that it can be journaled as rejected with what was sent.
 */
class CommandRulesTest {

    @Test
    void validCommandsPass() {
        assertEquals(Optional.empty(), CommandRules.check(JobCommand.backup("connectors", "r-1", JobSource.HTTP)));
        assertEquals(Optional.empty(), CommandRules.check(JobCommand.restore("db", 0L, null, null, JobSource.CLI)));
        assertEquals(Optional.empty(), CommandRules.check(JobCommand.restore("d".repeat(128), 2L, 10, null,
                JobSource.AMQP)));
    }

    @Test
    void eachFieldRuleWithItsCodeAndMessage() {
        rejected(JobCommand.backup(null, null, JobSource.AMQP), ErrorCode.INVALID_COMMAND, "dataset is required");
        rejected(JobCommand.backup(" ", null, JobSource.HTTP), ErrorCode.INVALID_COMMAND, "dataset is required");
        rejected(JobCommand.backup("../etc", null, JobSource.HTTP), ErrorCode.INVALID_DATASET,
                "invalid dataset name '../etc': expected [A-Za-z0-9][A-Za-z0-9._-]*, at most 128 characters");
        rejected(JobCommand.backup("d".repeat(129), null, JobSource.SCHEDULE), ErrorCode.INVALID_DATASET,
                "invalid dataset name '" + "d".repeat(129) + "'");
        rejected(JobCommand.restore(".hidden", 0L, null, null, JobSource.CLI), ErrorCode.INVALID_DATASET,
                "invalid dataset name '.hidden'");
        rejected(JobCommand.restore("db", null, 3, null, JobSource.HTTP), ErrorCode.INVALID_COMMAND,
                "cycle is required for a restore");
        rejected(JobCommand.restore("db", -1L, null, null, JobSource.HTTP), ErrorCode.INVALID_COMMAND,
                "cycle must not be negative, was -1");
        rejected(JobCommand.restore("db", 0L, -2, null, JobSource.HTTP), ErrorCode.INVALID_COMMAND,
                "level must not be negative, was -2");
        rejected(JobCommand.backup("db", "a b", JobSource.HTTP), ErrorCode.INVALID_COMMAND,
                "requestId must be 1 to 128 characters of [A-Za-z0-9._:-], was \"a b\"");
    }

    @Test
    void theDatasetNameRuleIsTheEngines() {
        for (String name : new String[] {"connectors", "a", "A.b_c-1", "9", "d".repeat(128)}) {
            assertTrue(DatasetName.isValid(name), name);
            assertEquals(Optional.empty(), CommandRules.check(JobCommand.backup(name, null, JobSource.HTTP)));
        }
        for (String name : new String[] {"..", ".", "-x", "_x", "a/b", "a b", "é", "d".repeat(129)}) {
            assertTrue(!DatasetName.isValid(name), name);
            assertEquals(ErrorCode.INVALID_DATASET, CommandRules.check(JobCommand.backup(name, null, JobSource.HTTP))
                    .orElseThrow().errorCode(), name);
        }
    }

    @Test
    void anInvalidCommandIsJournaledEchoingWhatWasSent() {
        JobCommand sent = JobCommand.restore("../x", -1L, -2, null, JobSource.AMQP).withMessageId("m-1");
        JobError error = CommandRules.check(sent).orElseThrow();
        Job rejected = Job.rejected(sent, java.time.Instant.EPOCH, error);
        assertEquals(JobState.REJECTED, rejected.status());
        assertEquals(JobType.RESTORE, rejected.type());
        assertEquals("../x", rejected.dataset());
        assertEquals(-1L, rejected.cycle());
        assertEquals(-2, rejected.level());
        assertEquals("m-1", rejected.messageId());
        assertEquals("INVALID_DATASET", rejected.error().code());
    }

    private static void rejected(JobCommand command, ErrorCode code, String message) {
        JobError error = CommandRules.check(command).orElseThrow(() -> new AssertionError(command + " passed"));
        assertEquals(code, error.errorCode(), command.toString());
        assertTrue(error.message().startsWith(message), "expected '" + message + "' in '" + error.message() + "'");
    }
}
