package org.aiod.backup.messaging;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.aiod.backup.job.Job;
import org.aiod.backup.job.JobEventSink;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.smallrye.reactive.messaging.amqp.OutgoingAmqpMetadata;
import io.vertx.core.json.JsonObject;

/**
 * Publishes one completion event per finished job on {@code backup-events}: its {@link JobEvent} as JSON
 * ({@code application/json}, instants as ISO-8601 strings), durable, with {@code subject} = status and, when the
 * command came over AMQP, {@code correlation-id} = the command's message id. Fields: {@code jobId, requestId, type,
 * dataset, cycle, level, source, status, queuedAt, startedAt, finishedAt, files, bytes, archive, error {code,
 * message}, warnings, missed}; absent values are {@code null}. The broker's message id of the command is not part
 * of the body. Progress ({@link JobEventSink#progress}) is not published yet.
 *
 * <p>The returned stage completes when the broker accepted the event and fails when it refused it or the connector
 * gave up; the command consumer settles command messages on that. While the broker is away events wait in the
 * emitter's buffer (unbounded: there is at most one event per job) and go out once the connector reconnected.
 */
@ApplicationScoped
public class EventPublisher implements JobEventSink {

    static final String CHANNEL = "backup-events";

    private final Emitter<JsonObject> emitter;
    private final ObjectMapper json;

    EventPublisher(@Channel(CHANNEL) @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER) Emitter<JsonObject> emitter,
            ObjectMapper json) {
        this.emitter = emitter;
        this.json = json;
    }

    @Override
    public CompletionStage<Void> publish(Job job) {
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
