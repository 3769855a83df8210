package org.aiod.backup.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The body of {@code POST /api/restores}, as the body of a {@code restore-commands} message. */
@Schema(name = "RestoreRequest", description = "Restore one dataset to the state of a level of a cycle")
public record RestoreRequest(
        @Schema(description = "the dataset", required = true, examples = "connectors") String dataset,
        @Schema(description = "the cycle, the number in <dataset>_<cycle>", required = true, minimum = "0",
                examples = "2") Long cycle,
        @Schema(description = "the level within the cycle; absent: the cycle's last level", minimum = "0",
                examples = "10") Integer level,
        @Schema(description = "the caller's id for this command: the same id again answers the same job")
        String requestId) {
}
