package org.aiod.backup.job;

import java.util.concurrent.CompletionStage;

/**
 * A command as accepted: its job as of now, and a stage that completes with the job in a final state once its
 * completion event was accepted.
 *
 * @param existing true when the command was answered by a job that already existed (same request or message id)
 */
public record Submission(Job job, CompletionStage<Job> done, boolean existing) {
}
