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
import org.aiod.backup.job.QueueFullException;

/**
 * The one table from failure to HTTP status and problem code. A failure is looked up by its class, then by each
 * superclass in turn, so the most specific entry wins; a failure the table does not know is an internal error (500).
 * A {@link WebApplicationException} keeps its own status, unless it wraps a failure the table knows (the JSON reader
 * wraps parse errors in a 400).
 */
final class StatusTable {

    /** What a failure means over HTTP: a status and a stable code ({@code null}: the failure's own code). */
    record Rule(int status, String code) {
    }

    /** A failure as classified: the failure that decided (perhaps the cause of the one raised), status and code. */
    record Verdict(Throwable failure, int status, String code) {
    }

    static final String INTERNAL_ERROR = "INTERNAL_ERROR";

    private static final Map<Class<? extends Throwable>, Rule> RULES = Map.ofEntries(
            // raised by this layer: their own code
            entry(ApiException.NotFound.class, own(404)),
            entry(ApiException.InvalidInput.class, own(400)),
            entry(ApiException.Conflict.class, own(409)),
            // the job queue
            entry(QueueFullException.class, new Rule(503, "QUEUE_FULL")),
            // request bodies: not JSON, or JSON of the wrong shape or type
            entry(StreamReadException.class, new Rule(400, "MALFORMED_JSON")),
            entry(InputCoercionException.class, new Rule(400, "INVALID_BODY")),
            entry(DatabindException.class, new Rule(400, "INVALID_BODY")),
            // ... but a type Jackson cannot handle at all is a bug of ours
            entry(InvalidDefinitionException.class, new Rule(500, INTERNAL_ERROR)),
            // security: no or bad credentials, or a role too low
            entry(UnauthorizedException.class, new Rule(401, "UNAUTHENTICATED")),
            entry(AuthenticationFailedException.class, new Rule(401, "UNAUTHENTICATED")),
            entry(ForbiddenException.class, new Rule(403, "FORBIDDEN")),
            // the engine, reached through the job runner's views of datasets
            entry(BackupException.InvalidDataset.class, own(400)),
            entry(BackupException.DatasetNotFound.class, own(404)),
            entry(BackupException.CycleNotFound.class, own(404)),
            entry(BackupException.LevelNotFound.class, own(404)),
            entry(BackupException.LockTimeout.class, own(409)),
            // the request is well formed; what is on disk does not allow it (a level missing before the one asked
            // for, a dataset path that is a symlink) until an operator changes that state: a conflict, not a bad
            // request (422 would say the request itself is wrong, and no other request text could succeed)
            entry(BackupException.ChainBroken.class, own(409)),
            entry(BackupException.NotADirectory.class, own(409)),
            entry(BackupException.class, own(500)));

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
        String code = rule.code() != null ? rule.code()
                : failure instanceof ApiException api ? api.code()
                : failure instanceof BackupException engine ? engine.code()
                : INTERNAL_ERROR;
        return new Verdict(failure, rule.status(), code);
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

    private static Rule own(int status) {
        return new Rule(status, null);
    }
}
