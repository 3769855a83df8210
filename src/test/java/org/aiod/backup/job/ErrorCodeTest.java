package org.aiod.backup.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.aiod.backup.engine.BackupException;
import org.junit.jupiter.api.Test;

/** The error vocabulary: the codes on the wire today, each with its HTTP status and exit status. */
class ErrorCodeTest {

    /** Every code as the wire has it (journal, events, problems), with the status it answers over HTTP. */
    private static final Map<String, Integer> TODAY = new LinkedHashMap<>();

    static {
        TODAY.put("INVALID_COMMAND", 400);
        TODAY.put("INVALID_DATASET", 400);
        TODAY.put("INVALID_PATH", 400);
        TODAY.put("INVALID_BODY", 400);
        TODAY.put("MALFORMED_JSON", 400);
        TODAY.put("INVALID_STATUS", 400);
        TODAY.put("INVALID_PAGE", 400);
        TODAY.put("MALFORMED_URI", 400);
        TODAY.put("MALFORMED_REQUEST", 400);
        TODAY.put("LENGTH_REQUIRED", 411);
        TODAY.put("BODY_TOO_LARGE", 413);
        TODAY.put("URI_TOO_LONG", 414);
        TODAY.put("UNAUTHENTICATED", 401);
        TODAY.put("FORBIDDEN", 403);
        TODAY.put("TARGET_NOT_ALLOWED", 403);
        TODAY.put("UNKNOWN_DATASET", 404);
        TODAY.put("DATASET_NOT_FOUND", 404);
        TODAY.put("NO_SUCH_CYCLE", 404);
        TODAY.put("NO_SUCH_LEVEL", 404);
        TODAY.put("NO_SUCH_PATH", 404);
        TODAY.put("NO_LEVEL_AT", 404);
        TODAY.put("UNKNOWN_JOB", 404);
        TODAY.put("NO_PLAN", 404);
        TODAY.put("REQUEST_ID_CONFLICT", 409);
        TODAY.put("LOCK_TIMEOUT", 409);
        TODAY.put("CHAIN_BROKEN", 409);
        TODAY.put("DATASET_NOT_A_DIRECTORY", 409);
        TODAY.put("TARGET_NOT_EMPTY", 409);
        TODAY.put("QUEUE_FULL", 503);
        TODAY.put("CORRUPT_ARCHIVE", 500);
        TODAY.put("VERIFY_FAILED", 500);
        TODAY.put("UNSAFE_MEMBER", 500);
        TODAY.put("NOT_WRITABLE", 500);
        TODAY.put("DISK_FULL", 500);
        TODAY.put("INSUFFICIENT_SPACE", 507);
        TODAY.put("HOOK_FAILED", 500);
        TODAY.put("OFFSITE_CORRUPT", 500);
        TODAY.put("OFFSITE_UNAVAILABLE", 502);
        TODAY.put("UNSUPPORTED_ENVIRONMENT", 500);
        TODAY.put("IO_ERROR", 500);
        TODAY.put("INTERRUPTED", 500);
        TODAY.put("INTERNAL_ERROR", 500);
    }

    @Test
    void theCodesAreTodaysWithTheirStatusAndExitStatus() {
        assertEquals(List.copyOf(TODAY.keySet()), Arrays.stream(ErrorCode.values()).map(ErrorCode::name).toList(),
                "the codes, as their wire strings");
        for (ErrorCode code : ErrorCode.values()) {
            assertEquals(TODAY.get(code.name()), code.httpStatus(), code + ": HTTP status");
            // the command line's documented statuses: 1 a command failed (2 usage and 3 partial are not errors)
            assertEquals(1, code.exitStatus(), code + ": exit status");
        }
    }

    @Test
    void everyEngineFailureKindHasTheCodeOfItsName() {
        for (BackupException.Kind kind : BackupException.Kind.values()) {
            assertEquals(kind.name(), ErrorCode.of(kind).name(), "the engine's code() and the job error's agree");
        }
        assertEquals(ErrorCode.NO_SUCH_CYCLE, ErrorCode.of(new BackupException.CycleNotFound("no cycle 3")));
        assertEquals("NO_SUCH_CYCLE", new BackupException.CycleNotFound("no cycle 3").code());
    }

    @Test
    void aJobErrorIsWrittenAndReadWithTheCodeAsItsString() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JobError error = new JobError(ErrorCode.NO_SUCH_CYCLE, "dataset 'x' has no cycle 9");
        String text = json.writeValueAsString(error);
        assertEquals("{\"code\":\"NO_SUCH_CYCLE\",\"message\":\"dataset 'x' has no cycle 9\"}", text);
        assertEquals(error, json.readValue(text, JobError.class));
        assertEquals("NO_SUCH_CYCLE", error.code());
        assertTrue(json.readValue("{\"code\":\"LOCK_TIMEOUT\",\"message\":null}", JobError.class).errorCode()
                == ErrorCode.LOCK_TIMEOUT);
    }
}
