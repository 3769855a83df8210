/**
 * Off-site copies in S3-compatible object storage: the background {@link org.aiod.backup.offsite.OffsiteUploader}
 * that copies every committed level, found through the dataset catalog, to the store; its per-level state kept under
 * the state directory; the S3 implementation of the engine's {@link org.aiod.backup.engine.OffsiteStore}. The engine
 * knows the layout of the copies ({@link org.aiod.backup.engine.OffsiteLayout}) and nothing of S3.
 */
package org.aiod.backup.offsite;
