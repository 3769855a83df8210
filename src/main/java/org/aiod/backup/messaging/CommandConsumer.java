package org.aiod.backup.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import jakarta.enterprise.context.ApplicationScoped;

import org.aiod.backup.catalog.DatasetCatalog;
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
 * Consumes {@code backup-commands}, {@code restore-commands}, {@code verify-commands} and {@code prune-commands}.
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
 * <p><b>A prune of every dataset.</b> A {@code prune-commands} message without {@code dataset} becomes one
 * {@code PRUNE} job per managed dataset ({@link DatasetCatalog#names}, in that order), each journaled with its own
 * event, request id {@code <requestId>:<dataset>} and message id {@code <messageId>/<dataset>} (the events'
 * {@code correlation-id}), so that a redelivered message is answered per dataset from the journal. They are
 * submitted one after another, each waiting for room like any command; the message is settled once every one of them
 * is final: rejected (dead-lettered) when any of them was {@code REJECTED}, else accepted. With no managed dataset
 * there is nothing to prune: the message is accepted, and a log line says so.
 *
 * <p><b>Bodies.</b> {@link CommandReceiver} hands over the raw body, whatever its content type claims, so a body
 * that is not JSON (even one sent as {@code application/json}) is rejected with an event like any other bad command.
 */
@ApplicationScoped
public class CommandConsumer {

    private static final Logger LOG = Logger.getLogger(CommandConsumer.class);

    private final JobService jobs;
    private final DatasetCatalog catalog;
    private final Executor worker = Infrastructure.getDefaultWorkerPool();

    CommandConsumer(JobService jobs, DatasetCatalog catalog) {
        this.jobs = jobs;
        this.catalog = catalog;
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
            if (parsed.command() instanceof JobCommand.Prune prune && prune.everyDataset()) {
                return pruneEveryDataset(message, prune);
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

    /** One prune job per managed dataset, submitted in turn; the message is settled when all of them are final. */
    private CompletionStage<Void> pruneEveryDataset(Delivery message, JobCommand.Prune every) {
        List<String> datasets;
        try {
            datasets = catalog.names();
        } catch (RuntimeException e) {
            settleAfterFailure(message, every, e);
            return CompletableFuture.completedFuture(null);
        }
        if (datasets.isEmpty()) {
            LOG.infof("prune of every dataset (message %s): no managed datasets, nothing to prune", message.messageId());
            message.accept();
            return CompletableFuture.completedFuture(null);
        }
        List<Submission> submitted = new ArrayList<>();
        CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
        for (String dataset : datasets) {
            JobCommand.Prune one = every.of(dataset);
            chain = chain.thenCompose(v -> submitWhenRoom(one)).thenAccept(submitted::add);
        }
        return chain.handle((v, failure) -> {
            try {
                if (failure != null) {
                    // the jobs submitted so far run and publish their events; the one that failed is recorded as
                    // rejected, which dead-letters the message: sent again, the others are answered from the journal
                    JobCommand.Prune next = every.of(datasets.get(submitted.size()));
                    submitted.add(rejectAfterFailure(next, failure));
                }
                settleWhenAllDone(message, submitted);
            } catch (RuntimeException e) {
                LOG.errorf(e, "cannot settle a prune of every dataset; the message stays unsettled");
            }
            return null;
        });
    }

    private void settleWhenAllDone(Delivery message, List<Submission> submissions) {
        CompletableFuture<?>[] done = submissions.stream().map(s -> s.done().toCompletableFuture())
                .toArray(CompletableFuture[]::new);
        CompletableFuture.allOf(done).whenComplete((v, failure) -> {
            if (failure != null) {
                LOG.warnf("a completion event of a prune of every dataset was not accepted (%s); the command message"
                        + " stays unsettled and the broker will redeliver it", failure.getMessage());
                return;
            }
            List<Job> rejected = submissions.stream().map(s -> s.done().toCompletableFuture().join())
                    .filter(job -> job.status() == JobState.REJECTED).toList();
            if (rejected.isEmpty()) {
                message.accept();
            } else {
                message.reject(new RejectedCommand(rejected.get(0).jobId(), rejected.get(0).error()).getMessage());
            }
        });
    }

    private Submission rejectAfterFailure(JobCommand command, Throwable failure) {
        LOG.errorf(failure, "cannot submit a %s command for '%s'", command.type(), command.dataset());
        return jobs.reject(command, new JobError(ErrorCode.INTERNAL_ERROR, "the command could not be accepted: "
                + failure));
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
