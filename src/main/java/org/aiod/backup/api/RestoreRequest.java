package org.aiod.backup.api;

import java.util.List;

import org.aiod.backup.job.RestoreOptions;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The body of {@code POST /api/restores}, as the body of a {@code restore-commands} message. */
@Schema(name = "RestoreRequest", description = "Restore one dataset to the state of a level of a cycle, or of a"
        + " point in time; in place or into a target directory; the whole tree or some paths; or only plan it")
public record RestoreRequest(
        @Schema(description = "the dataset", required = true, examples = "connectors") String dataset,
        @Schema(description = "the cycle, the number in <dataset>_<cycle>; required unless at is given",
                minimum = "0", examples = "2") Long cycle,
        @Schema(description = "the level within the cycle; absent: the cycle's last level", minimum = "0",
                examples = "10") Integer level,
        @Schema(description = "the caller's id for this command: the same id again answers the same job")
        String requestId,
        @Schema(description = "absolute directory to restore into instead of the dataset; must lie under one of "
                + "backup.restore.allowed-targets", examples = "/opt/restore/connectors-tuesday") String target,
        @Schema(description = "replace an existing, non-empty target (refused TARGET_NOT_EMPTY otherwise)")
        Boolean overwrite,
        @Schema(description = "dataset-relative files or directories: only these are restored")
        List<String> paths,
        @Schema(description = "ISO-8601 instant with an offset, instead of cycle and level: the last level "
                + "completed at or before it, across cycles", examples = "2026-11-30T02:00:00Z") String at,
        @Schema(description = "change nothing; the job answers the plan of what the restore would change")
        Boolean dryRun) {

    /** The restore options of this body, as sent. */
    RestoreOptions options() {
        return new RestoreOptions(target, overwrite, paths, at, dryRun);
    }
}
