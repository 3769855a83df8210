package org.aiod.backup.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The body of {@code POST /api/backups}, as the body of a {@code backup-commands} message. */
@Schema(name = "BackupRequest", description = "Back up one dataset")
public record BackupRequest(
        @Schema(description = "the dataset, a top-level directory of the data root", required = true,
                examples = "connectors") String dataset,
        @Schema(description = "the caller's id for this command: the same id again answers the same job",
                examples = "nightly-2024-05-01") String requestId) {
}
