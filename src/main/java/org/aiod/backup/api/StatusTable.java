package org.aiod.backup.api;

import static java.util.Map.entry;

import java.util.Map;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

import org.aiod.backup.engine.BackupException;
import org.aiod.backup.job.ErrorCode;
import org.aiod.backup.job.QueueFullException;

/**
 * The one table from failure to HTTP status and problem code. A failure is looked up by its class, then by each
 * superclass in turn, so the most specific entry wins; a failure the table does not know is an internal error (500).
 * A {@link WebApplicationException} keeps its own status, unless it wraps a failure the table knows (the JSON reader
 * wraps parse errors in a 400).
 */
final class StatusTable {

    /**
     * What a failure means over HTTP: a code ({@code null}: the failure's own) and a status ({@code null}: the
     * code's). The status comes from the code ({@link ErrorCode#httpStatus()}) but for the HTTP layer's own
     * exceptions, whose class is the kind of answer.
     */
    record Rule(ErrorCode code, Integer status) {
    }

    /** A failure as classified: the failure that decided (perhaps the cause of the one raised), status and code. */
    record Verdict(Throwable failure, int status, String code) {
    }

    static final String INTERNAL_ERROR = ErrorCode.INTERNAL_ERROR.name();

    private static final Map<Class<? extends Throwable>, Rule> RULES = Map.ofEntries(
            // raised by this layer: their own code
            entry(ApiException.NotFound.class, own(404)),
            entry(ApiException.InvalidInput.class, own(400)),
            entry(ApiException.Conflict.class, own(409)),
            entry(ApiException.NotAllowed.class, own(403)),
            // the job queue
            entry(QueueFullException.class, code(ErrorCode.QUEUE_FULL)),
            // request bodies: not JSON, or JSON of the wrong shape or type
            entry(StreamReadException.class, code(ErrorCode.MALFORMED_JSON)),
            entry(InputCoercionException.class, code(ErrorCode.INVALID_BODY)),
            entry(DatabindException.class, code(ErrorCode.INVALID_BODY)),
            // ... but a type Jackson cannot handle at all is a bug of ours
            entry(InvalidDefinitionException.class, code(ErrorCode.INTERNAL_ERROR)),
            // security: no or bad credentials, or a role too low
            entry(UnauthorizedException.class, code(ErrorCode.UNAUTHENTICATED)),
            entry(AuthenticationFailedException.class, code(ErrorCode.UNAUTHENTICATED)),
            entry(ForbiddenException.class, code(ErrorCode.FORBIDDEN)),
            // the engine, reached through the job runner's views of datasets: the code of its kind, and that
            // code's status (404 for what does not exist, 409 for a state that does not allow it, ...)
            entry(BackupException.class, new Rule(null, null)));

    private StatusTable() {
    }

    static Verdict classify(Throwable failure) {
        if (failure instanceof WebApplicationException web) {
            Throwable cause = web.getCause();
            if (cause != null && rule(cause) != null) {
                return verdict(cause, rule(cause));
            }
            int status = web.getResponse().getStatus();
            Response.Status known = Response.Status.fromStatusCode(status);
            return new Verdict(failure, status, known != null ? known.name() : "HTTP_" + status);
        }
        Rule rule = rule(failure);
        return rule == null ? new Verdict(failure, 500, INTERNAL_ERROR) : verdict(failure, rule);
    }

    private static Verdict verdict(Throwable failure, Rule rule) {
        ErrorCode code = rule.code() != null ? rule.code()
                : failure instanceof ApiException api ? api.code()
                : failure instanceof BackupException engine ? ErrorCode.of(engine)
                : ErrorCode.INTERNAL_ERROR;
        return new Verdict(failure, rule.status() != null ? rule.status() : code.httpStatus(), code.name());
    }

    private static Rule rule(Throwable failure) {
        for (Class<?> type = failure.getClass(); type != null; type = type.getSuperclass()) {
            Rule rule = RULES.get(type);
            if (rule != null) {
                return rule;
            }
        }
        return null;
    }

    /** A failure of the HTTP layer: its own code, the status of its class. */
    private static Rule own(int status) {
        return new Rule(null, status);
    }

    /** A failure that always means {@code code}, with its status. */
    private static Rule code(ErrorCode code) {
        return new Rule(code, null);
    }
}
