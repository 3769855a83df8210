package org.aiod.backup.messaging;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import jakarta.enterprise.context.ApplicationScoped;

import org.aiod.backup.job.Job;
import org.aiod.backup.job.JobCommand;
import org.aiod.backup.job.JobError;
import org.aiod.backup.job.JobService;
import org.aiod.backup.job.JobState;
import org.aiod.backup.job.JobType;
import org.aiod.backup.job.QueueFullException;
import org.aiod.backup.job.Submission;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.amqp.IncomingAmqpMetadata;

/**
 * Consumes {@code backup-commands} and {@code restore-commands}.
 *
 * <p><b>Settlement.</b> A command message is settled only once its job reached a final state and its completion
 * event was accepted by the broker ({@link Submission#done()}): accepted when the job ran (whatever its outcome),
 * rejected (the broker dead-letters it, {@code failure-strategy=reject}) when the job was {@code REJECTED}. When the
 * event could not be published the message is left unsettled: the broker redelivers it once the link drops, and the
 * job service then answers it from the journal by its message id (or request id) instead of running it again.
 *
 * <p><b>Order and concurrency.</b> SmallRye invokes a method returning a {@code CompletionStage} for one message at
 * a time and waits for the stage before the next (per channel; {@code @Blocking} keeps that order, on a worker
 * thread since validation reads the file system). The stage completes as soon as the command is <em>queued</em>, not
 * when its job ends, so the next message is taken while the job runs: commands are submitted in message order (the
 * job service keeps that order per dataset) and jobs of different datasets run in parallel. When the job queue is
 * full the stage waits for room, which pauses consumption instead of refusing commands.
 *
 * <p><b>Duplicates.</b> A command whose request id or message id is already in the journal is answered by that job:
 * when it has finished, its event is published again and the message settled on it; when it is still queued or
 * running, the message is settled when that job ends, and the one event answers both messages.
 *
 * <p>The returned stage never fails: a failure would end the channel's stream, and the consumer must keep
 * consuming whatever a message contains.
 *
 * <p><b>Limitation.</b> A body declared {@code application/json} that is not valid JSON never reaches this class:
 * the SmallRye AMQP connector decodes such bodies itself when the message arrives, and on failure logs SRMSG16229
 * and skips the message without settling it. No REJECTED event is published for it, and it is not dead-lettered:
 * it stays unsettled with the consumer and comes back after each reconnection. Other messages flow normally. Every
 * other bad body (not JSON without that content type, wrong shape or types, unknown dataset, ...) is rejected with
 * an event as described above.
 */
@ApplicationScoped
public class CommandConsumer {

    private static final Logger LOG = Logger.getLogger(CommandConsumer.class);

    private final JobService jobs;
    private final Executor worker = Infrastructure.getDefaultWorkerPool();

    CommandConsumer(JobService jobs) {
        this.jobs = jobs;
    }

    @Incoming("backup-commands")
    @Blocking
    public CompletionStage<Void> backup(Message<?> message) {
        return consume(JobType.BACKUP, message);
    }

    @Incoming("restore-commands")
    @Blocking
    public CompletionStage<Void> restore(Message<?> message) {
        return consume(JobType.RESTORE, message);
    }

    CompletionStage<Void> consume(JobType type, Message<?> message) {
        try {
            String messageId = message.getMetadata(IncomingAmqpMetadata.class).map(IncomingAmqpMetadata::getId)
                    .orElse(null);
            CommandParser.Parsed parsed = CommandParser.parse(type, payload(message), messageId);
            if (!parsed.valid()) {
                settleWhenDone(message, jobs.reject(parsed.command(), parsed.error()));
                return CompletableFuture.completedFuture(null);
            }
            return submitWhenRoom(parsed.command())
                    .handle((submission, failure) -> {
                        if (failure != null) {
                            settleAfterFailure(message, parsed.command(), failure);
                        } else {
                            settleWhenDone(message, submission);
                        }
                        return null;
                    });
        } catch (RuntimeException | Error e) {
            LOG.errorf(e, "cannot handle a %s command (message left unsettled; the broker redelivers it when the link"
                    + " drops)", type);
            return CompletableFuture.completedFuture(null);
        }
    }

    /** The body, or a marker when the connector cannot decode it (e.g. broken JSON sent as application/json). */
    private static Object payload(Message<?> message) {
        try {
            return message.getPayload();
        } catch (RuntimeException e) {
            return new CommandParser.Undecodable(e);
        }
    }

    /**
     * Submits once the queue has room. Another source (HTTP, the scheduler) may fill the queue between the capacity
     * check and the submission: then wait again. Never runs two submissions of this channel at once, so the message
     * order is the submission order.
     */
    private CompletionStage<Submission> submitWhenRoom(JobCommand command) {
        CompletableFuture<Void> room = jobs.awaitCapacity().toCompletableFuture();
        if (room.isDone()) {
            try {
                return CompletableFuture.completedFuture(jobs.submit(command));
            } catch (QueueFullException e) {
                return jobs.awaitCapacity().thenComposeAsync(v -> submitWhenRoom(command), worker);
            }
        }
        LOG.debugf("job queue full: %s command for '%s' waits for room", command.type(), command.dataset());
        return room.thenComposeAsync(v -> submitWhenRoom(command), worker);
    }

    private void settleWhenDone(Message<?> message, Submission submission) {
        Job job = submission.job();
        submission.done().whenComplete((finished, failure) -> {
            if (failure != null) {
                LOG.warnf("job %s: its completion event was not accepted (%s); the command message stays unsettled"
                        + " and the broker will redeliver it", job.jobId(), failure.getMessage());
            } else if (finished.status() == JobState.REJECTED) {
                message.nack(new RejectedCommand(finished.jobId(), finished.error()));
            } else {
                message.ack();
            }
        });
    }

    /**
     * Submission itself failed (the journal could not be written, ...): record a rejection when possible, so the
     * sender learns it, and dead-letter the message.
     */
    private void settleAfterFailure(Message<?> message, JobCommand command, Throwable failure) {
        LOG.errorf(failure, "cannot submit a %s command for '%s'", command.type(), command.dataset());
        try {
            settleWhenDone(message, jobs.reject(command, new JobError("INTERNAL_ERROR",
                    "the command could not be accepted: " + failure)));
        } catch (RuntimeException e) {
            LOG.errorf(e, "cannot record the rejection either; the message stays unsettled");
        }
    }

    /** The reason given to the connector when it rejects (dead-letters) a command message. */
    static final class RejectedCommand extends RuntimeException {
        RejectedCommand(String jobId, JobError error) {
            super("job " + jobId + " rejected: " + (error == null ? "" : error.code() + ": " + error.message()), null,
                    false, false);
        }
    }
}
