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

    @Test
    void restoreOptionsTheirFormAndCombination() {
        RestoreOptions all = new RestoreOptions("/opt/restore/x", true, java.util.List.of("config.yml", "state/"),
                null, true);
        assertEquals(Optional.empty(), CommandRules.check(JobCommand.restore("db", 0L, 2, all, null, JobSource.HTTP)));
        RestoreOptions at = new RestoreOptions(null, null, null, "2026-11-30T02:00:00+01:00", null);
        assertEquals(Optional.empty(), CommandRules.check(JobCommand.restore("db", null, null, at, null,
                JobSource.AMQP)), "at instead of a cycle");

        rejected(JobCommand.restore("db", 0L, null, at, null, JobSource.HTTP), ErrorCode.INVALID_COMMAND,
                CommandRules.AT_OR_CYCLE);
        rejected(JobCommand.restore("db", null, 1, at, null, JobSource.HTTP), ErrorCode.INVALID_COMMAND,
                CommandRules.AT_OR_CYCLE);
        rejected(JobCommand.restore("db", null, null, options(null, null, null, "yesterday"), null, JobSource.HTTP),
                ErrorCode.INVALID_COMMAND, "at must be an ISO-8601 time with an offset");
        rejected(JobCommand.restore("db", null, null, options(null, null, null, "2026-11-30T02:00:00"), null,
                JobSource.HTTP), ErrorCode.INVALID_COMMAND, "at must be an ISO-8601 time with an offset");
        rejected(JobCommand.restore("db", 0L, null, options(null, true, null, null), null, JobSource.HTTP),
                ErrorCode.INVALID_COMMAND, "overwrite applies to a target only");
        rejected(JobCommand.restore("db", 0L, null, options("restore/x", null, null, null), null, JobSource.HTTP),
                ErrorCode.INVALID_PATH, "target must be an absolute path");
        rejected(JobCommand.restore("db", 0L, null, options("/opt/restore/../etc", null, null, null), null,
                JobSource.HTTP), ErrorCode.INVALID_PATH, "target \"/opt/restore/../etc\" contains '..'");
        rejected(JobCommand.restore("db", 0L, null, options("/" + "a".repeat(4096), null, null, null), null,
                JobSource.HTTP), ErrorCode.INVALID_PATH, "target is 4097 characters long");
        rejected(JobCommand.restore("db", 0L, null, options(null, null, java.util.List.of("/etc/passwd"), null), null,
                JobSource.HTTP), ErrorCode.INVALID_PATH, "path \"/etc/passwd\" must be relative to the dataset");
        rejected(JobCommand.restore("db", 0L, null, options(null, null, java.util.List.of("a/../../b"), null), null,
                JobSource.HTTP), ErrorCode.INVALID_PATH, "path \"a/../../b\" contains '..'");
        rejected(JobCommand.restore("db", 0L, null, options(null, null, java.util.List.of("./"), null), null,
                JobSource.HTTP), ErrorCode.INVALID_PATH, "path \"./\" names no file");
        rejected(JobCommand.restore("db", 0L, null, options(null, null, java.util.List.of(""), null), null,
                JobSource.HTTP), ErrorCode.INVALID_PATH, "path must not be empty");
        rejected(JobCommand.restore("db", 0L, null, options(null, null, java.util.Arrays.asList("a", null), null),
                null, JobSource.HTTP), ErrorCode.INVALID_PATH, "paths must hold strings, not null");
        rejected(JobCommand.restore("db", 0L, null, options(null, null, java.util.Collections.nCopies(1001, "a"),
                null), null, JobSource.HTTP), ErrorCode.INVALID_COMMAND, "paths may list at most 1000 entries");
    }

    @Test
    void twoWaysOfAskingTheSameRestoreAreTheSame() {
        assertTrue(RestoreOptions.same(null, new RestoreOptions(null, false, java.util.List.of(), null, false)));
        assertTrue(!RestoreOptions.same(null, new RestoreOptions(null, null, null, null, true)));
        assertTrue(!RestoreOptions.same(new RestoreOptions("/a", null, null, null, null),
                new RestoreOptions("/b", null, null, null, null)));
    }

    private static RestoreOptions options(String target, Boolean overwrite, java.util.List<String> paths, String at) {
        return new RestoreOptions(target, overwrite, paths, at, null);
    }
}
