package org.aiod.backup.api;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.aiod.backup.catalog.DatasetCatalog;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /api/datasets} and {@code GET /api/datasets/{name}}: what is on disk, as the dataset catalog reads it. */
@Path("/api/datasets")
@Tag(name = "datasets", description = "Managed datasets and their backups")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.VIEWER, Roles.OPERATOR, Roles.ADMIN})
public class DatasetResource {

    private final DatasetCatalog catalog;

    public DatasetResource(DatasetCatalog catalog) {
        this.catalog = catalog;
    }

    @GET
    @Operation(summary = "List datasets", description = "Every managed dataset with one line per cycle. Needs role "
            + "backup-viewer or above.")
    @APIResponse(responseCode = "200", description = "The datasets", content = @Content(
            mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = DatasetSummary.class, type = SchemaType.ARRAY)))
    public List<DatasetSummary> list() {
        return catalog.datasets().stream().map(DatasetSummary::of).toList();
    }

    @GET
    @Path("{name}")
    @Operation(summary = "Get a dataset", description = "Its cycles and levels: archive sizes, times and each "
            + "archive's checksum state: listed in its cycle's SHA256SUMS, unlisted, verified (when, how deep) or "
            + "corrupt, as the last verify found it. Needs role backup-viewer or above.")
    @APIResponse(responseCode = "200", description = "The dataset", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DatasetView.class)))
    @APIResponse(responseCode = "404", description = "Not a managed dataset", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public DatasetView get(@PathParam("name") String name) {
        return catalog.dataset(name).map(DatasetView::of).orElseThrow(
                () -> new ApiException.NotFound(org.aiod.backup.job.ErrorCode.UNKNOWN_DATASET, "unknown dataset '" + name + "'"));
    }
}
