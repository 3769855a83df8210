package org.aiod.backup.messaging;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import jakarta.enterprise.context.ApplicationScoped;

import org.aiod.backup.job.ErrorCode;
import org.aiod.backup.job.Job;
import org.aiod.backup.job.JobCommand;
import org.aiod.backup.job.JobError;
import org.aiod.backup.job.JobService;
import org.aiod.backup.job.JobState;
import org.aiod.backup.job.JobType;
import org.aiod.backup.job.QueueFullException;
import org.aiod.backup.job.Submission;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Consumes {@code backup-commands} and {@code restore-commands}.
 *
 * <p><b>Settlement.</b> A command message is settled only once its job reached a final state and its completion
 * event was accepted by the broker ({@link Submission#done()}): accepted when the job ran (whatever its outcome),
 * rejected (the broker dead-letters it) when the job was {@code REJECTED}. When the
 * event could not be published the message is left unsettled: the broker redelivers it once the link drops, and the
 * job service then answers it from the journal by its message id (or request id) instead of running it again.
 *
 * <p><b>Order and concurrency.</b> {@link CommandReceiver} calls {@link #consume} for one message of a queue at a
 * time and waits for the returned stage before the next. The stage completes as soon as the command is
 * <em>queued</em>, not when its job ends, so the next message is taken while the job runs: commands are submitted
 * in message order (the job service keeps that order per dataset) and jobs of different datasets run in parallel.
 * When the job queue is full the stage waits for room, which pauses consumption instead of refusing commands.
 *
 * <p><b>Duplicates.</b> A command whose request id or message id is already in the journal is answered by that job:
 * when it has finished, its event is published again and the message settled on it; when it is still queued or
 * running, the message is settled when that job ends, and the one event answers both messages.
 *
 * <p>The returned stage never fails: a failure would stop the queue's lane, and the consumer must keep
 * consuming whatever a message contains.
 *
 * <p><b>Bodies.</b> {@link CommandReceiver} hands over the raw body, whatever its content type claims, so a body
 * that is not JSON (even one sent as {@code application/json}) is rejected with an event like any other bad command.
 */
@ApplicationScoped
public class CommandConsumer {

    private static final Logger LOG = Logger.getLogger(CommandConsumer.class);

    private final JobService jobs;
    private final Executor worker = Infrastructure.getDefaultWorkerPool();

    CommandConsumer(JobService jobs) {
        this.jobs = jobs;
    }

    /** How a command message is settled, whatever carries it. */
    interface Delivery {
        /** The broker's id of the message, or null. */
        String messageId();

        /** The body as received: a String, bytes, or anything else the parser names. */
        Object body();

        /** Done with it: the broker forgets the message. */
        void accept();

        /** Refused: the broker dead-letters the message. */
        void reject(String reason);
    }

    CompletionStage<Void> consume(JobType type, Delivery message) {
        try {
            CommandParser.Parsed parsed = CommandParser.parse(type, message.body(), message.messageId());
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

    private void settleWhenDone(Delivery message, Submission submission) {
        Job job = submission.job();
        submission.done().whenComplete((finished, failure) -> {
            if (failure != null) {
                LOG.warnf("job %s: its completion event was not accepted (%s); the command message stays unsettled"
                        + " and the broker will redeliver it", job.jobId(), failure.getMessage());
            } else if (finished.status() == JobState.REJECTED) {
                message.reject(new RejectedCommand(finished.jobId(), finished.error()).getMessage());
            } else {
                message.accept();
            }
        });
    }

    /**
     * Submission itself failed (the journal could not be written, ...): record a rejection when possible, so the
     * sender learns it, and dead-letter the message.
     */
    private void settleAfterFailure(Delivery message, JobCommand command, Throwable failure) {
        LOG.errorf(failure, "cannot submit a %s command for '%s'", command.type(), command.dataset());
        try {
            settleWhenDone(message, jobs.reject(command, new JobError(ErrorCode.INTERNAL_ERROR,
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
