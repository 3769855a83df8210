/**
 * Jobs: every command, whatever its source, is validated, journaled, queued and run here on a bounded worker pool,
 * one at a time per dataset. {@link org.aiod.backup.job.JobRunner} is the only caller of the engine on the service's
 * datasets ({@link org.aiod.backup.job.ScratchRoots} runs it on the start-up round trip's scratch roots only); what
 * is on disk is read through {@link org.aiod.backup.catalog.DatasetCatalog}.
 * {@link org.aiod.backup.job.JobService} is the path of every command (request-id dedupe, rejection, recovery at
 * start-up); it keeps jobs in a {@link org.aiod.backup.job.JobStore} (the file journal,
 * {@link org.aiod.backup.job.JobJournal}), leaves the per-dataset queues and the worker pool to the
 * {@link org.aiod.backup.job.JobDispatcher}, tells every transition to the {@link org.aiod.backup.job.JobListener}s
 * (the metrics), and sends completion events and progress to the {@link org.aiod.backup.job.JobEventSink}.
 */
package org.aiod.backup.job;
