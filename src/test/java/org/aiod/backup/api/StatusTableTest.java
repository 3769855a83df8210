package org.aiod.backup.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

import org.aiod.backup.engine.BackupException;
import org.aiod.backup.job.ErrorCode;
import org.aiod.backup.job.Job;
import org.aiod.backup.job.JobError;
import org.aiod.backup.job.JobSource;
import org.aiod.backup.job.JobState;
import org.aiod.backup.job.JobType;
import org.aiod.backup.job.QueueFullException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The one table from failure to status and code, without a running application. */
class StatusTableTest {

    static Stream<Arguments> failures() {
        JsonParseException malformed = new JsonParseException(null, "Unexpected character");
        return Stream.of(
                Arguments.of(new ApiException.NotFound(ErrorCode.UNKNOWN_JOB, "no job"), 404, "UNKNOWN_JOB"),
                Arguments.of(new ApiException.InvalidInput(ErrorCode.INVALID_STATUS, "bad"), 400, "INVALID_STATUS"),
                Arguments.of(new ApiException.Conflict(ErrorCode.REQUEST_ID_CONFLICT, "reused", "j"), 409,
                        "REQUEST_ID_CONFLICT"),
                Arguments.of(rejection("UNKNOWN_DATASET"), 404, "UNKNOWN_DATASET"),
                Arguments.of(rejection("DATASET_NOT_FOUND"), 404, "DATASET_NOT_FOUND"),
                Arguments.of(rejection("NO_SUCH_CYCLE"), 404, "NO_SUCH_CYCLE"),
                Arguments.of(rejection("NO_SUCH_LEVEL"), 404, "NO_SUCH_LEVEL"),
                Arguments.of(rejection("INVALID_COMMAND"), 400, "INVALID_COMMAND"),
                Arguments.of(rejection("INVALID_DATASET"), 400, "INVALID_DATASET"),
                Arguments.of(new QueueFullException(1), 503, "QUEUE_FULL"),
                Arguments.of(malformed, 400, "MALFORMED_JSON"),
                Arguments.of(new WebApplicationException(malformed, Response.Status.BAD_REQUEST), 400,
                        "MALFORMED_JSON"),
                Arguments.of(new InvalidFormatException(null, "not a Long", "abc", Long.class), 400, "INVALID_BODY"),
                Arguments.of(InvalidDefinitionException.from((com.fasterxml.jackson.core.JsonParser) null, "no creator",
                        (com.fasterxml.jackson.databind.JavaType) null), 500, "INTERNAL_ERROR"),
                Arguments.of(new UnauthorizedException(), 401, "UNAUTHENTICATED"),
                Arguments.of(new AuthenticationFailedException(), 401, "UNAUTHENTICATED"),
                Arguments.of(new ForbiddenException(), 403, "FORBIDDEN"),
                Arguments.of(new NotAllowedException("GET"), 405, "METHOD_NOT_ALLOWED"),
                Arguments.of(new NotSupportedException(), 415, "UNSUPPORTED_MEDIA_TYPE"),
                Arguments.of(new WebApplicationException(422), 422, "HTTP_422"),
                Arguments.of(new BackupException.CycleNotFound("no cycle"), 404, "NO_SUCH_CYCLE"),
                Arguments.of(new BackupException.InvalidDataset("bad name"), 400, "INVALID_DATASET"),
                Arguments.of(new BackupException.LockTimeout("busy"), 409, "LOCK_TIMEOUT"),
                Arguments.of(new BackupException.ChainBroken("level 1 missing"), 409, "CHAIN_BROKEN"),
                Arguments.of(new BackupException.NotADirectory("a symlink"), 409, "DATASET_NOT_A_DIRECTORY"),
                Arguments.of(new BackupException.IoFailure("disk", null), 500, "IO_ERROR"),
                Arguments.of(new IllegalStateException("bug"), 500, "INTERNAL_ERROR"),
                Arguments.of(new OutOfMemoryError(), 500, "INTERNAL_ERROR"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void classifies(Throwable failure, int status, String code) {
        StatusTable.Verdict verdict = StatusTable.classify(failure);
        assertEquals(status, verdict.status(), "status");
        assertEquals(code, verdict.code(), "code");
    }

    @Test
    void aWrappedParseErrorIsClassifiedByItsCause() {
        JsonParseException malformed = new JsonParseException(null, "Unexpected character");
        assertSame(malformed, StatusTable.classify(new WebApplicationException(malformed, 400)).failure());
    }

    @Test
    void problemTypeAndTitleFollowTheCode() {
        Problem problem = Problem.of(404, "NO_SUCH_CYCLE", "dataset 'x' has no cycle 9", "/api/jobs/j", "j");
        assertEquals("urn:aiod-backup:problem:no-such-cycle", problem.type());
        assertEquals("No such cycle", problem.title());
    }

    private static ApiException rejection(String code) {
        Job job = new Job("j", null, null, JobType.RESTORE, "x", 1L, null, JobSource.HTTP, JobState.REJECTED,
                Instant.EPOCH, null, Instant.EPOCH, null, null, null, new JobError(ErrorCode.valueOf(code), "why"), List.of(), null);
        return ApiException.rejected(job);
    }
}
