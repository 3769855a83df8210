package org.aiod.backup.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The body of {@code POST /api/prunes}, as the body of a {@code prune-commands} message. */
@Schema(name = "PruneRequest", description = "Remove the cycles of one dataset (without dataset: of every managed"
        + " dataset, one job each) that backup.retention.* does not keep, each whole; or only say which would go")
public record PruneRequest(
        @Schema(description = "the dataset; absent: every managed dataset", examples = "connectors") String dataset,
        @Schema(description = "change nothing; the job lists the cycles that would be removed and the bytes freed")
        Boolean dryRun,
        @Schema(description = "the caller's id for this command: the same id again answers the same job")
        String requestId) {
}
