package org.aiod.backup.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import org.junit.jupiter.api.Test;

/** The fields of PRUNE and VERIFY: the depth rule, the echo in the job, the same-command comparison of depths. */
class LifecycleCommandRulesTest {

    @Test
    void aVerifyDepthIsChecksumsOrDrillInAnyCaseAndAbsentIsChecksums() {
        for (String depth : new String[] {null, "checksums", "drill", "DRILL", "Checksums"}) {
            assertTrue(CommandRules.check(JobCommand.verify("connectors", depth, null, JobSource.HTTP)).isEmpty(),
                    String.valueOf(depth));
        }
        JobError error = CommandRules.check(JobCommand.verify("connectors", "deep", null, JobSource.AMQP))
                .orElseThrow();
        assertEquals(ErrorCode.INVALID_COMMAND, error.errorCode());
        assertEquals("depth must be checksums or drill, was \"deep\"", error.message());
        assertEquals(ErrorCode.INVALID_DATASET, CommandRules.check(JobCommand.prune("../x", true, null,
                JobSource.HTTP)).orElseThrow().errorCode());
        assertTrue(CommandRules.check(JobCommand.prune("connectors", null, null, JobSource.HTTP)).isEmpty());
    }

    @Test
    void theJobEchoesTheDryRunAndTheDepthAndWritesNoResultFieldsForOtherTypes() throws Exception {
        ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule());
        Job prune = Job.queued(JobCommand.prune("connectors", null, null, JobSource.HTTP), Instant.now());
        assertEquals("{\"dryRun\":false}", json.writeValueAsString(prune.prune()));
        Job verify = Job.queued(JobCommand.verify("connectors", "DRILL", null, JobSource.HTTP), Instant.now());
        assertEquals("{\"depth\":\"drill\"}", json.writeValueAsString(verify.verify()));
        Job rejected = Job.rejected(JobCommand.verify("connectors", "deep", null, JobSource.HTTP), Instant.now(),
                new JobError(ErrorCode.INVALID_COMMAND, "bad"));
        assertEquals("deep", rejected.verify().depth());
        String backup = json.writeValueAsString(Job.queued(JobCommand.backup("connectors", null, JobSource.HTTP),
                Instant.now()));
        assertFalse(backup.contains("\"prune\"") || backup.contains("\"verify\""), backup);
        // read back as the journal reads it
        assertEquals(prune.prune(), json.readValue(json.writeValueAsString(prune), Job.class).prune());
    }

    @Test
    void depthsCompareAsTheyAsk() {
        assertTrue(VerifyResult.sameDepth(null, "checksums"));
        assertTrue(VerifyResult.sameDepth("drill", "DRILL"));
        assertFalse(VerifyResult.sameDepth("drill", null));
        assertTrue(VerifyResult.sameDepth("deep", "deep"));
    }
}
