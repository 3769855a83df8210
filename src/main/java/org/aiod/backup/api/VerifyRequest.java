package org.aiod.backup.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The body of {@code POST /api/verifications}, as the body of a {@code verify-commands} message. */
@Schema(name = "VerifyRequest", description = "Read every archive of one dataset against its checksums, and with"
        + " depth drill restore its newest level into a scratch directory and check it")
public record VerifyRequest(
        @Schema(description = "the dataset", required = true, examples = "connectors") String dataset,
        @Schema(description = "checksums (default) or drill", enumeration = {"checksums", "drill"}) String depth,
        @Schema(description = "the caller's id for this command: the same id again answers the same job")
        String requestId) {
}
