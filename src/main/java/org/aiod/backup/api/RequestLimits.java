package org.aiod.backup.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import org.aiod.backup.job.ErrorCode;
import org.jboss.logging.Logger;

/**
 * The failures Vert.x meets before REST processing, answered as {@code application/problem+json} like every other
 * error: a body over {@value #MAX_BODY} bytes (413 {@code BODY_TOO_LARGE}), a request target over
 * {@value #MAX_URI} characters (414 {@code URI_TOO_LONG}), a request target that is not a valid URI (400
 * {@code MALFORMED_URI}; Quarkus's own check, which answers a bare 400 before any route, is turned off by the
 * system property {@code vertx.disableURIValidation}, which the service's main and the test JVMs set). A first route checks what the request line and headers say.
 * A body sent without a length (chunked) is answered 411 {@code LENGTH_REQUIRED}: the REST layer would cut it at
 * the limit with a bare 413 that no route sees. A failure handler turns a 413 that reaches the router's failure
 * path into a problem too.
 * <p>
 * Quarkus's own limits sit above these, so that what exceeds ours reaches this check: its body limit
 * ({@code quarkus.http.limits.max-body-size}, 10 MiB by default) is enforced on a router in front of this one, and
 * the HTTP decoder's limit on the request line ({@code quarkus.http.limits.max-initial-line-length}) is set to 64 KiB.
 * Beyond those, Quarkus and Vert.x answer a bare 413 or 414 and close the connection.
 */
@ApplicationScoped
public class RequestLimits {

    /** The longest request target (path and query) served; the README documents it. */
    static final int MAX_URI = 8192;
    /** The largest request body read, in bytes: commands are small JSON objects; the README documents it. */
    static final long MAX_BODY = 64 * 1024;
    /** Where Quarkus's REST layer finds the body limit of a request sent without a length (chunked). */
    private static final String BODY_LIMIT_KEY = "io.quarkus.max-request-size";

    private static final Logger LOG = Logger.getLogger(RequestLimits.class);

    private final ObjectMapper json;

    RequestLimits(ObjectMapper json) {
        this.json = json;
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::check);
        // after Quarkus's own body limit route (order -2), which sets its limit for a body without a length
        router.route().order(-1).handler(this::limitChunkedBody);
        router.route().order(Integer.MIN_VALUE).failureHandler(this::failed);
    }

    private void check(RoutingContext http) {
        String uri = http.request().uri();
        if (uri.length() > MAX_URI) {
            answer(http, ErrorCode.URI_TOO_LONG, "the request target is " + uri.length() + " characters long; at most "
                    + MAX_URI + " are served", "/");
            return;
        }
        String rawPath = uri.indexOf('?') < 0 ? uri : uri.substring(0, uri.indexOf('?'));
        try {
            new java.net.URI(uri);
        } catch (java.net.URISyntaxException e) {
            // Quarkus's own check of this (a bare 400) is off: see cli.Main
            answer(http, ErrorCode.MALFORMED_URI, "the request target is not a valid URI: " + e.getReason()
                    + " at index " + e.getIndex(), "/");
            return;
        }
        String length = http.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                answer(http, ErrorCode.MALFORMED_REQUEST, "Content-Length is not a number", rawPath);
                return;
            }
            if (declared > MAX_BODY) {
                answer(http, ErrorCode.BODY_TOO_LARGE, tooLarge(), rawPath);
                return;
            }
        } else if (takesBody(http.request().method())) {
            // a body without a length (HTTP/1.1 chunked, or HTTP/2 without content-length): the REST layer would cut
            // it at the limit with a bare 413, which no route sees; commands are small, so their length is asked for
            // up front
            answer(http, ErrorCode.LENGTH_REQUIRED, "a body must be sent with a Content-Length (at most " + MAX_BODY
                    + " bytes), not chunked", rawPath);
            return;
        }
        http.next();
    }

    private static boolean takesBody(io.vertx.core.http.HttpMethod method) {
        return method == io.vertx.core.http.HttpMethod.POST || method == io.vertx.core.http.HttpMethod.PUT
                || method == io.vertx.core.http.HttpMethod.PATCH;
    }

    /** A body without a length is cut by the REST layer at this limit; {@link #failed} answers it. */
    private void limitChunkedBody(RoutingContext http) {
        if (http.request().getHeader(HttpHeaders.CONTENT_LENGTH) == null) {
            http.put(BODY_LIMIT_KEY, MAX_BODY);
        }
        http.next();
    }

    private void failed(RoutingContext http) {
        if (http.response().headWritten()) {
            http.next();
            return;
        }
        if (http.statusCode() == 413) {
            answer(http, ErrorCode.BODY_TOO_LARGE, tooLarge(), "/");
        } else {
            http.next();
        }
    }

    private String tooLarge() {
        return "the body is larger than " + MAX_BODY + " bytes; commands are small JSON objects";
    }

    private void answer(RoutingContext http, ErrorCode error, String detail, String instance) {
        int status = error.httpStatus();
        String code = error.name();
        LOG.debugf("%s answered %d %s: %s", http.request().method(), status, code, detail);
        String body;
        try {
            body = json.writeValueAsString(Problem.of(status, code, detail, instance, null));
        } catch (JsonProcessingException e) {
            body = "{\"status\":" + status + ",\"code\":\"" + code + "\"}";
        }
        http.response().setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                // the rest of an oversized body is not read: the connection cannot carry another request
                .putHeader(HttpHeaders.CONNECTION, status == 413 ? "close" : "keep-alive")
                .end(body);
    }
}
