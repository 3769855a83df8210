package org.aiod.backup.api;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticator;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

import org.aiod.backup.job.QueueFullException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one exception mapper: every failure of a REST request becomes {@code application/problem+json}, with the
 * status and code of {@link StatusTable}. It is registered for {@link Throwable} and, explicitly, for the failures
 * Quarkus has built-in mappers for (security, JSON input), which it replaces. A 401 carries the challenge of the
 * configured authentication mechanisms ({@code WWW-Authenticate: basic realm="aiod-backup"}, or {@code Bearer}
 * with OIDC); a 503 for a full queue carries {@code Retry-After}. Internal errors (5xx but 503) are logged with an
 * error id that the problem repeats; their detail says nothing else.
 *
 * <p>Authentication fails inside REST processing, where this mapper sees it, because proactive authentication is
 * off ({@code quarkus.http.auth.proactive=false}); otherwise bad credentials would be refused before, with an empty
 * body.
 */
public class ProblemMapper {

    /** Seconds a client is asked to wait when the queue is full: about the time a small backup takes. */
    static final int RETRY_AFTER_SECONDS = 30;

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    /** How a mistyped field is described: what it must be. */
    private static final Map<Class<?>, String> EXPECTED = Map.of(Long.class, "an integer", Integer.class, "an integer",
            long.class, "an integer", int.class, "an integer", String.class, "a string", Boolean.class, "true or false",
            boolean.class, "true or false");

    @ServerExceptionMapper({Throwable.class, WebApplicationException.class, MismatchedInputException.class,
            UnauthorizedException.class, AuthenticationFailedException.class, ForbiddenException.class})
    public Uni<Response> toProblem(Throwable failure, RoutingContext http) {
        StatusTable.Verdict verdict = StatusTable.classify(failure);
        String jobId = failure instanceof ApiException api ? api.jobId() : null;
        String instance = jobId != null ? JobResource.location(jobId) : http.request().path();
        String detail;
        if (verdict.status() >= 500 && verdict.status() != 503) {
            String errorId = UUID.randomUUID().toString();
            LOG.errorf(failure, "internal error %s answering %s %s", errorId, http.request().method(),
                    http.request().path());
            detail = "internal error " + errorId + "; the service log has the details";
        } else {
            LOG.debugf("%s %s answered %d %s: %s", http.request().method(), http.request().path(), verdict.status(),
                    verdict.code(), failure);
            detail = detail(verdict.failure());
        }
        Response.ResponseBuilder response = Response.status(verdict.status()).type(Problem.MEDIA_TYPE)
                .entity(Problem.of(verdict.status(), verdict.code(), detail, instance, jobId));
        if (failure instanceof WebApplicationException web) {
            // keep what the status needs, such as Allow with a 405
            web.getResponse().getHeaders().forEach((name, values) -> {
                if (!name.equalsIgnoreCase(HttpHeaders.CONTENT_TYPE)
                        && !name.equalsIgnoreCase(HttpHeaders.CONTENT_LENGTH)) {
                    values.forEach(value -> response.header(name, value));
                }
            });
        }
        if (verdict.failure() instanceof QueueFullException) {
            response.header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
        }
        if (verdict.status() == 401) {
            return withChallenge(response, http);
        }
        return Uni.createFrom().item(response.build());
    }

    /** Adds the challenge of the authentication mechanisms in use, as Quarkus's own mapper would. */
    private static Uni<Response> withChallenge(Response.ResponseBuilder response, RoutingContext http) {
        HttpAuthenticator authenticator = http.get(HttpAuthenticator.class.getName());
        if (authenticator == null) {
            return Uni.createFrom().item(response.build());
        }
        return authenticator.getChallenge(http).map(challenge -> {
            if (challenge != null) {
                challenge.getHeaders().forEach((name, value) -> response.header(name.toString(), value));
            }
            return response.build();
        }).onFailure().recoverWithItem(response::build);
    }

    /** The detail of a client error, in words a caller can act on and without internals. */
    private static String detail(Throwable failure) {
        if (failure instanceof UnrecognizedPropertyException unknown) {
            return "unknown field '" + unknown.getPropertyName() + "'"
                    + (unknown.getKnownPropertyIds() == null ? "" : " (known: " + unknown.getKnownPropertyIds()
                            .stream().map(String::valueOf).sorted().collect(Collectors.joining(", ")) + ")")
                    + "; a field this version does not know is refused, never ignored";
        }
        if (failure instanceof MismatchedInputException mismatch
                && String.valueOf(mismatch.getOriginalMessage()).startsWith("Trailing token")) {
            return "the body is not valid JSON: it goes on after its JSON object";
        }
        if (failure instanceof MismatchedInputException mismatch) {
            String field = field(mismatch.getPath());
            return field.isEmpty() ? "the body must be a JSON object"
                    : "'" + field + "' must be " + expected(mismatch.getTargetType());
        }
        if (failure instanceof JsonMappingException mapping) {
            String field = field(mapping.getPath());
            return (field.isEmpty() ? "" : "'" + field + "': ") + mapping.getOriginalMessage();
        }
        if (failure instanceof InputCoercionException coercion) {
            return "a number is out of range: " + coercion.getOriginalMessage();
        }
        if (failure instanceof StreamReadException malformed) {
            JsonLocation at = malformed.getLocation();
            return "the body is not valid JSON: " + malformed.getOriginalMessage()
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
        }
        if (failure instanceof AuthenticationFailedException) {
            return "the credentials were not accepted";
        }
        if (failure instanceof UnauthorizedException) {
            return "authentication required: HTTP Basic credentials or an OIDC bearer token";
        }
        if (failure instanceof ForbiddenException) {
            return "the caller's roles do not allow this request";
        }
        return failure.getMessage();
    }

    private static String field(List<JsonMappingException.Reference> path) {
        return path.stream().map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    private static String expected(Class<?> type) {
        return type == null ? "of another type" : EXPECTED.getOrDefault(type, "a JSON " + (type.isRecord() ? "object"
                : "value of type " + type.getSimpleName()));
    }
}
