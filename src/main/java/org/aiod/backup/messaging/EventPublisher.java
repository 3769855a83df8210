package org.aiod.backup.messaging;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.aiod.backup.job.Job;
import org.aiod.backup.job.JobEventSink;
import org.aiod.backup.job.JobProgress;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.smallrye.reactive.messaging.amqp.OutgoingAmqpMetadata;
import io.vertx.core.json.JsonObject;
import org.jboss.logging.Logger;

/**
 * Publishes one completion event per finished job on {@code backup-events}: its {@link JobEvent} as JSON
 * ({@code application/json}, instants as ISO-8601 strings), durable, with {@code subject} = status and, when the
 * command came over AMQP, {@code correlation-id} = the command's message id. Fields: {@code jobId, requestId, type,
 * dataset, cycle, level, source, status, queuedAt, startedAt, finishedAt, files, bytes, archive, error {code,
 * message}, warnings, missed}; absent values are {@code null}. The broker's message id of the command is not part
 * of the body. A running job's progress goes to {@code backup-progress} (a topic: every watcher gets it, nobody's
 * is kept), at most once a second per job (its first report always), non-durable, never waiting: when the broker
 * is away or slow a report is dropped, since the next one says more.
 *
 * <p>The returned stage completes when the broker accepted the event and fails when it refused it or the connector
 * gave up; the command consumer settles command messages on that. While the broker is away events wait in the
 * emitter's buffer (unbounded: there is at most one event per job) and go out once the connector reconnected.
 */
@ApplicationScoped
public class EventPublisher implements JobEventSink {

    private static final Logger LOG = Logger.getLogger(EventPublisher.class);

    static final String CHANNEL = "backup-events";
    static final String PROGRESS_CHANNEL = "backup-progress";
    /** How often a running job's progress is published, at most. */
    static final long PROGRESS_INTERVAL_NANOS = 1_000_000_000L;

    private final Emitter<JsonObject> emitter;
    private final Emitter<JsonObject> progressEmitter;
    private final ObjectMapper json;
    /** When each running job's progress was last published (System.nanoTime). */
    private final Map<String, Long> lastProgress = new ConcurrentHashMap<>();

    EventPublisher(@Channel(CHANNEL) @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER) Emitter<JsonObject> emitter,
            @Channel(PROGRESS_CHANNEL) @OnOverflow(OnOverflow.Strategy.DROP) Emitter<JsonObject> progressEmitter,
            ObjectMapper json) {
        this.emitter = emitter;
        this.progressEmitter = progressEmitter;
        this.json = json;
    }

    @Override
    public void progress(JobProgress progress) {
        long now = System.nanoTime();
        Long last = lastProgress.get(progress.jobId());
        if (last != null && now - last < PROGRESS_INTERVAL_NANOS) {
            return;
        }
        lastProgress.put(progress.jobId(), now);
        try {
            Message<JsonObject> message = Message.of(new JsonObject(json.writeValueAsString(progress)),
                    Metadata.of(OutgoingAmqpMetadata.builder().withDurable(false).withContentType("application/json")
                            .withSubject(progress.dataset()).build()));
            progressEmitter.send(message);
        } catch (JsonProcessingException | RuntimeException e) {
            // a report that cannot go out now is superseded by the next one; the job is never held up by it
            LOG.debugf("progress of job %s not published: %s", progress.jobId(), e.toString());
        }
    }

    @Override
    public CompletionStage<Void> publish(Job job) {
        lastProgress.remove(job.jobId());
        CompletableFuture<Void> accepted = new CompletableFuture<>();
        try {
            OutgoingAmqpMetadata.OutgoingAmqpMetadataBuilder amqp = OutgoingAmqpMetadata.builder()
                    .withDurable(true)
                    .withContentType("application/json")
                    .withSubject(String.valueOf(job.status()));
            if (job.messageId() != null) {
                amqp.withCorrelationId(job.messageId());
            }
            Message<JsonObject> message = Message.of(body(job), Metadata.of(amqp.build()))
                    .withAck(() -> {
                        accepted.complete(null);
                        return CompletableFuture.completedFuture(null);
                    })
                    .withNack(failure -> {
                        accepted.completeExceptionally(failure);
                        return CompletableFuture.completedFuture(null);
                    });
            emitter.send(message);
        } catch (RuntimeException e) {
            accepted.completeExceptionally(e);
        }
        return accepted;
    }

    /** The event body of {@code job}: its {@link JobEvent}. */
    JsonObject body(Job job) {
        try {
            return new JsonObject(json.writeValueAsString(JobEvent.of(job)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise job " + job.jobId(), e);
        }
    }
}
