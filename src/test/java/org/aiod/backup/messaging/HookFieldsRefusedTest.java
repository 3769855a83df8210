package org.aiod.backup.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.aiod.backup.job.JobType;
import org.junit.jupiter.api.Test;

/**
 * Hooks are configuration only ({@code backup.hooks.*}): a command message that tries to carry one is refused as any
 * unknown field is, never run and never ignored.
 */
class HookFieldsRefusedTest {

    @Test
    void aCommandMessageCannotCarryAHook() {
        for (JobType type : JobType.values()) {
            for (String field : new String[] {"hooks", "beforeBackup", "before-backup", "afterRestore"}) {
                String body = "{\"dataset\":\"db\"," + (type == JobType.RESTORE ? "\"cycle\":0," : "") + "\"" + field
                        + "\":{\"command\":[\"sh\",\"-c\",\"touch /tmp/owned\"]}}";
                CommandParser.Parsed parsed = CommandParser.parse(type, body, "m");
                assertFalse(parsed.valid(), body);
                assertEquals("INVALID_COMMAND", parsed.error().code());
                assertTrue(parsed.error().message().contains("unknown field \"" + field + "\""),
                        parsed.error().message());
            }
        }
    }
}
