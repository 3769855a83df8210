/**
 * Jobs: every command, whatever its source, is validated, journaled, queued and run here on a bounded worker pool,
 * one at a time per dataset. {@link org.aiod.backup.job.JobRunner} is the only caller of the engine on the service's
 * datasets ({@link org.aiod.backup.job.ScratchRoots} runs it on the start-up round trip's scratch roots only); what
 * is on disk is read through {@link org.aiod.backup.catalog.DatasetCatalog}.
 */
package org.aiod.backup.job;
